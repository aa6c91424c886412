// The node:crypto HPKE (src/node/native-hpke.ts) equals @hpke's: key
// generation and decapsulation against the X-Wing vectors, DeriveKeyPair,
// the DHKEM shared secret and the key schedule against RFC 9180's vectors;
// and, since native encapsulation draws its own randomness, ciphertexts
// sealed by each implementation opened by the other, for both suites, with
// the same refusals.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SHARED } from '../helpers/cli.ts';
import {
  boxKeyPairFromSeed,
  open,
  seal,
  type BoxKeyPair,
  type SuiteName,
} from '../../src/box/hpke.ts';
import {
  boxKeyPairOnNode,
  keySchedule,
  nativeBoxKeyPair,
  nativeBoxKeyPairFromSeed,
  nativeKemFromSeed,
  nativeSeal,
} from '../../src/node/native-hpke.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const rfc = JSON.parse(
  readFileSync(`${SHARED}fixtures/hpke-vectors/rfc9180-x25519-base.json`, 'utf8'),
);
const xwing = JSON.parse(readFileSync(`${SHARED}fixtures/hpke-vectors/xwing-kem.json`, 'utf8'));
const te = new TextEncoder();

for (const [i, v] of xwing.vectors.entries()) {
  test(`native X-Wing, vector ${i}: the public key from the seed, the shared secret from the ciphertext`, () => {
    const kem = nativeKemFromSeed('x-wing', hex(v.seed));
    assert.equal(toHex(kem.publicKey), v.pk);
    assert.equal(toHex(kem.decap(hex(v.ct))), v.ss);
  });
}

for (const v of rfc) {
  test(`native DHKEM(X25519) and key schedule, RFC 9180 vector: ${v.suite}`, () => {
    const kem = nativeKemFromSeed('x25519', hex(v.ikmR));
    assert.equal(toHex(kem.publicKey), v.pkRm);
    assert.equal(toHex(kem.decap(hex(v.enc))), v.shared_secret);
    const nk = v.aead_id === 1 ? 16 : 32;
    const ids = { kem: v.kem_id, kdf: v.kdf_id, aead: v.aead_id };
    const { key, nonce } = keySchedule(ids, nk, hex(v.info)).first(hex(v.shared_secret));
    assert.equal(key.toString('hex'), v.key);
    assert.equal(nonce.toString('hex'), v.base_nonce);
  });
}

const info = te.encode('sealbox-box/v1 info 0123abcd');
const aad = te.encode('sealbox-box/v1 aad box-1 583231');

/** Opens with both implementations, or shows both refuse: the same answer either way. */
async function both(portable: BoxKeyPair, native: BoxKeyPair, enc: Uint8Array, ct: Uint8Array) {
  const outcome = async (k: BoxKeyPair) =>
    open(k, enc, ct, info, aad).then(
      (pt) => ({ opened: toHex(pt) }),
      () => ({ refused: true }),
    );
  return { portable: await outcome(portable), native: await outcome(native) };
}

for (const suite of ['x-wing', 'x25519'] as SuiteName[]) {
  test(`${suite}: sealed by @hpke, opened natively; sealed natively, opened by @hpke`, async () => {
    for (let round = 0; round < 8; round++) {
      const seed = randomBytes(32);
      const portable = await boxKeyPairFromSeed(suite, seed);
      const native = nativeBoxKeyPairFromSeed(suite, seed);
      assert.equal(toHex(native.publicKey), toHex(portable.publicKey), 'same public key');
      const message = randomBytes(round * 97);
      const fromHpke = await seal(suite, portable.publicKey, message, info, aad);
      assert.deepEqual(await both(portable, native, fromHpke.enc, fromHpke.ct), {
        portable: { opened: toHex(message) },
        native: { opened: toHex(message) },
      });
      const fromNode = nativeSeal(suite, native.publicKey, message, info, aad);
      assert.deepEqual(await both(portable, native, fromNode.enc, fromNode.ct), {
        portable: { opened: toHex(message) },
        native: { opened: toHex(message) },
      });
    }
  });

  test(`${suite}: both implementations refuse the same damaged ciphertexts`, async () => {
    const seed = randomBytes(32);
    const portable = await boxKeyPairFromSeed(suite, seed);
    const native = nativeBoxKeyPairFromSeed(suite, seed);
    const { enc, ct } = nativeSeal(suite, native.publicKey, te.encode('bid: 42'), info, aad);
    const flip = (b: Uint8Array, at: number) => {
      const c = Uint8Array.from(b);
      c[at] = c[at]! ^ 1;
      return c;
    };
    const refused = { portable: { refused: true }, native: { refused: true } };
    const cases: [string, Uint8Array, Uint8Array][] = [
      ['a flipped ciphertext byte', enc, flip(ct, 3)],
      ['a flipped tag byte', enc, flip(ct, ct.length - 1)],
      ['a flipped enc byte (its X25519 part)', flip(enc, enc.length - 5), ct],
      ['a flipped enc byte (its first byte)', flip(enc, 0), ct],
      ['a short enc', enc.subarray(1), ct],
      ['a ciphertext shorter than a tag', enc, ct.subarray(0, 15)],
      // X25519's small-order point 0 gives the all-zero shared value.
      [
        'an X25519 part of small order',
        Uint8Array.from([...enc.subarray(0, enc.length - 32), ...new Uint8Array(32)]),
        ct,
      ],
    ];
    for (const [what, e, c] of cases)
      assert.deepEqual(await both(portable, native, e, c), refused, what);
    // The binding: another info or aad does not open, in either.
    for (const k of [portable, native]) {
      await assert.rejects(open(k, enc, ct, te.encode('other manifest'), aad));
      await assert.rejects(open(k, enc, ct, info, te.encode('sealbox-box/v1 aad box-1 1')));
    }
  });

  test(`${suite}: a fresh native box key opens what @hpke seals to it`, async () => {
    const key = await boxKeyPairOnNode(suite);
    assert.ok('opener' in key, 'node:crypto has ML-KEM-768 here (OpenSSL 3.5)');
    const again = nativeBoxKeyPair(suite);
    assert.notEqual(toHex(again.publicKey), toHex(key.publicKey), 'each key is fresh');
    const { enc, ct } = await seal(suite, key.publicKey, te.encode('hello'), info, aad);
    assert.equal(new TextDecoder().decode(await open(key, enc, ct, info, aad)), 'hello');
  });
}
