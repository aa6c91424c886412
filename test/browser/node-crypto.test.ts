// src/browser's stand-in for node:crypto, which the web page's Sigstore
// verification runs on, against node:crypto itself: the same answers for
// signatures Node made, signatures altered, and keys of every kind.
import assert from 'node:assert/strict';
import * as node from 'node:crypto';
import { test } from 'node:test';
import { p256 } from '@noble/curves/nist.js';
import * as shim from '../../src/browser/node-crypto.ts';
import { isDeepStrictEqual } from '../../src/browser/node-util.ts';

const message = new TextEncoder().encode('sealbox in the browser');

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at]! ^= 1;
  return copy;
}

for (const [curve, hash] of [
  ['prime256v1', 'sha256'],
  ['secp384r1', 'sha384'],
  ['secp521r1', 'sha512'],
] as const) {
  test(`ECDSA ${curve}: Node's signatures verify, altered ones do not, as with node:crypto`, () => {
    const { publicKey, privateKey } = node.generateKeyPairSync('ec', { namedCurve: curve });
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    const pem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
    for (const alg of [hash, 'sha256', undefined]) {
      const sig = node.sign(alg ?? null, message, privateKey);
      for (const key of [pem, { key: spki, format: 'der', type: 'spki' }]) {
        const k = shim.createPublicKey(key as never);
        assert.equal(k.asymmetricKeyType, 'ec');
        assert.equal(k.asymmetricKeyDetails.namedCurve, curve);
        assert.equal(shim.verify(alg, message, k, sig), true, `${alg}`);
        assert.equal(shim.verify(alg, flip(message, 3), k, sig), false);
        assert.equal(shim.verify(alg, message, k, flip(sig, sig.length - 2)), false);
        assert.equal(node.verify(alg ?? null, message, publicKey, sig), true);
      }
    }
  });
}

test('ECDSA: a high-S signature is accepted, as OpenSSL accepts it', () => {
  const { publicKey, privateKey } = node.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = node.sign('sha256', message, privateKey);
  const sig = p256.Signature.fromBytes(der, 'der');
  const high = new p256.Signature(sig.r, p256.Point.CURVE().n - sig.s).toBytes('der');
  assert.equal(node.verify('sha256', message, publicKey, high), true, 'OpenSSL accepts it');
  const k = shim.createPublicKey(publicKey.export({ format: 'pem', type: 'spki' }) as string);
  assert.equal(shim.verify('sha256', message, k, high), true);
});

test('Ed25519 verifies over the message itself', () => {
  const { publicKey, privateKey } = node.generateKeyPairSync('ed25519');
  const sig = node.sign(null, message, privateKey);
  const k = shim.createPublicKey(publicKey.export({ format: 'pem', type: 'spki' }) as string);
  assert.equal(k.asymmetricKeyType, 'ed25519');
  assert.equal(shim.verify(undefined, message, k, sig), true);
  assert.equal(shim.verify(undefined, flip(message, 0), k, sig), false);
});

test('RSA keys parse (roots list RSA logs) but never verify', () => {
  const { publicKey, privateKey } = node.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs1 = publicKey.export({ format: 'der', type: 'pkcs1' });
  const k = shim.createPublicKey({ key: pkcs1, format: 'der', type: 'pkcs1' });
  assert.equal(k.asymmetricKeyType, 'rsa');
  const sig = node.sign('sha256', message, privateKey);
  assert.throws(() => shim.verify('sha256', message, k, sig), /RSA signatures are not checked/);
});

test('keys that are not keys are refused with a reason', () => {
  assert.throws(() => shim.createPublicKey('not a key'), /not a PEM public key/);
  assert.throws(
    () =>
      shim.createPublicKey({
        key: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]),
        format: 'der',
        type: 'spki',
      }),
    /SubjectPublicKeyInfo/,
  );
  const { publicKey } = node.generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  assert.throws(
    () => shim.createPublicKey(publicKey.export({ format: 'pem', type: 'spki' }) as string),
    /unsupported EC curve/,
  );
  const { publicKey: p } = node.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = p.export({ format: 'der', type: 'spki' });
  assert.throws(() => shim.createPublicKey({ key: flip(spki, spki.length - 1), format: 'der' }));
});

test('hashes and comparisons match node:crypto', () => {
  for (const alg of ['sha256', 'sha384', 'sha512', 'SHA256']) {
    const a = shim.createHash(alg).update(message).update('x').digest();
    const b = node.createHash(alg).update(message).update('x').digest();
    assert.deepEqual(new Uint8Array(a), new Uint8Array(b), alg);
  }
  assert.throws(() => shim.createHash('md5'), /unsupported digest/);
  assert.equal(shim.timingSafeEqual(message, new Uint8Array(message)), true);
  assert.equal(shim.timingSafeEqual(message, flip(message, 5)), false);
  assert.throws(() => shim.timingSafeEqual(message, message.subarray(1)), RangeError);
  const t = { type: 'tsa', logID: Buffer.from('ab'), timestamp: new Date(5) };
  assert.equal(isDeepStrictEqual(t, { ...t, logID: Buffer.from('ab') }), true);
  assert.equal(isDeepStrictEqual(t, { ...t, timestamp: new Date(6) }), false);
});

test("a large artifact's prehashed ECDSA check takes Node's keys and the stand-in's alike", async () => {
  const { verifyEcdsaDigest } = await import('../../src/node/ecdsa-digest.ts');
  for (const curve of ['prime256v1', 'secp384r1'] as const) {
    const { publicKey, privateKey } = node.generateKeyPairSync('ec', { namedCurve: curve });
    const sig = node.sign('sha256', message, privateKey);
    const digest = node.createHash('sha256').update(message).digest();
    const standIn = shim.createPublicKey(
      publicKey.export({ format: 'pem', type: 'spki' }) as string,
    );
    for (const key of [publicKey, standIn as unknown as node.KeyObject]) {
      assert.equal(verifyEcdsaDigest(key, digest, sig), true, curve);
      assert.equal(verifyEcdsaDigest(key, flip(digest, 0), sig), false, curve);
    }
  }
});
