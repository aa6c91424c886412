// The key ceremony's vectors (docs/spec/vectors/sealed-box-v1.1/ceremony.json),
// run through sealbox's code, and each dealt value recomputed independently:
// the coefficients by RFC 9380's expand_message_xmd over node:crypto's
// SHA-256, the shares by plain BigInt arithmetic, the commitments and keys
// by OpenSSL (node:crypto's ECDH and key objects).
import assert from 'node:assert/strict';
import { createECDH, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { combineShares } from '../../src/box/ceremony/combine.ts';
import { publicKeyEncodings } from '../../src/box/ceremony/keys.ts';
import { coefficients, deal, shareMatches } from '../../src/box/ceremony/shares.ts';

const file = JSON.parse(
  readFileSync(
    new URL('../../docs/spec/vectors/sealed-box-v1.1/ceremony.json', import.meta.url),
    'utf8',
  ),
);
const Q = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const big = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
const h64 = (n: bigint) => n.toString(16).padStart(64, '0');

/** RFC 9380 section 5.3.1, SHA-256, for len_in_bytes <= 255 * 32. */
function expandMessageXmd(msg: Uint8Array, dst: string, length: number): Uint8Array {
  const sha = (...parts: Uint8Array[]) => {
    const h = createHash('sha256');
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
  };
  const dstPrime = new Uint8Array([...Buffer.from(dst), dst.length]);
  const ell = Math.ceil(length / 32);
  const b0 = sha(new Uint8Array(64), msg, Uint8Array.of(length >> 8, length & 255, 0), dstPrime);
  const out: number[] = [];
  let bi = sha(b0, Uint8Array.of(1), dstPrime);
  out.push(...bi);
  for (let i = 2; i <= ell; i++) {
    const xored = b0.map((x, k) => x ^ bi[k]!);
    bi = sha(xored, Uint8Array.of(i), dstPrime);
    out.push(...bi);
  }
  return Uint8Array.from(out.slice(0, length));
}

const independentCoefficient = (seed: Uint8Array, j: number) =>
  big(
    expandMessageXmd(
      new Uint8Array([...seed, j >> 8, j & 255]),
      'sealbox-ceremony-v1.1-coefficient',
      48,
    ),
  ) % Q;

test('the vectors cover dealing, checking and recombining, and each refusal', () => {
  assert.ok(file.deal.length >= 2 && file.verify.length && file.combine.length);
  const refused = new Set(file.combine.map((c: { refused?: string }) => c.refused));
  for (const r of ['too_few', 'duplicate_index', 'share_mismatch']) assert.ok(refused.has(r), r);
  assert.ok(file.verify.some((v: { ok: boolean }) => v.ok));
  assert.ok(file.verify.some((v: { ok: boolean }) => !v.ok));
});

for (const d of file.deal) {
  test(`deal: ${d.name}`, () => {
    const seed = hex(d.seed);
    // sealbox's code gives the vector...
    assert.deepEqual(
      coefficients(seed, d.threshold).map(h64),
      d.coefficients,
      'coefficients (sealbox)',
    );
    const dealt = deal(seed, d.threshold, d.indices);
    assert.deepEqual(dealt.commitments, d.commitments);
    assert.deepEqual(Object.fromEntries(dealt.shares), d.shares);
    assert.deepEqual(publicKeyEncodings(hex(dealt.publicKey)), d.public_key);
    // ...and so does everything recomputed without it.
    const a = d.coefficients.map((_: string, j: number) => independentCoefficient(seed, j));
    assert.deepEqual(a.map(h64), d.coefficients, 'coefficients (RFC 9380 over node:crypto)');
    for (const i of d.indices) {
      const s = a.reduceRight((acc: bigint, c: bigint) => (acc * BigInt(i) + c) % Q, 0n);
      assert.equal(d.shares[String(i)], h64(s), `share ${i}`);
    }
    a.forEach((c: bigint, j: number) => {
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(hex(h64(c)));
      assert.equal(ecdh.getPublicKey('hex', 'compressed'), d.commitments[j], `C_${j}`);
    });
    const key = createPrivateKey(d.private_key_pem);
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(
      Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url').toString('hex'),
      d.coefficients[0],
    );
    assert.equal(createPublicKey(key).export({ type: 'spki', format: 'pem' }), d.public_key.pem);
    const jwk = createPublicKey(d.public_key.pem).export({ format: 'jwk' });
    assert.deepEqual(jwk, { ...d.public_key.jwk });
  });
}

for (const v of file.verify) {
  test(`verify: ${v.name}`, () => {
    assert.equal(shareMatches(v.index, v.share, v.commitments), v.ok);
  });
}

for (const c of file.combine) {
  test(`combine: ${c.name}`, () => {
    const r = combineShares(c.threshold, c.commitments, c.shares);
    if (c.refused) assert.equal(r.ok ? 'ok' : r.reason, c.refused);
    else {
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.privateKeyPem, c.private_key_pem);
    }
  });
}
