// The private replies spec's vectors (docs/spec/vectors/sealed-box-v1.1/replies.json),
// run as the file's own format says another implementation would run them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { boxKeyPairFromSeed, type SuiteName } from '../../src/box/hpke.ts';
import { openReply, replyAad, replyCommitment, replyInfo } from '../../src/box/replies.ts';
import { padReply, unpadReply } from '../../src/box/reply-padding.ts';
import { replyProofRule } from '../../src/box/checks/reply-proof.ts';
import { toHex } from '../../src/bytes.ts';

const file = JSON.parse(
  readFileSync(
    new URL('../../docs/spec/vectors/sealed-box-v1.1/replies.json', import.meta.url),
    'utf8',
  ),
);
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const b64 = (s: string) => Uint8Array.from(Buffer.from(s, 'base64'));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const td = new TextDecoder();

test('the vectors cover every section, both suites, and each unpadding reason', () => {
  for (const k of [
    'format',
    'reply_keys',
    'pad',
    'unpad',
    'binding',
    'commitments',
    'open',
    'reply_proofs',
  ])
    assert.ok(k in file, k);
  assert.deepEqual(
    new Set(file.reply_proofs.map((v: { expect: string }) => v.expect)),
    new Set([
      'ok',
      'other_box',
      'other_address',
      'no_reply',
      'other_commitment',
      'commitment_mismatch',
    ]),
  );
  assert.deepEqual(
    new Set(file.reply_keys.map((k: { suite: string }) => k.suite)),
    new Set(['x25519', 'x-wing']),
  );
  const reasons = new Set(file.unpad.map((v: { reason?: string }) => v.reason).filter(Boolean));
  for (const r of [
    'size_not_bucket',
    'length_out_of_range',
    'wrong_bucket',
    'nonzero_padding',
    'message_not_utf8',
  ])
    assert.ok(reasons.has(r), r);
});

for (const k of file.reply_keys) {
  test(`reply key from its seed: ${k.suite}`, async () => {
    const pair = await boxKeyPairFromSeed(k.suite as SuiteName, b64(k.seed));
    assert.equal(sha256(pair.publicKey), k.public_key_sha256);
    if (k.public_key) assert.equal(Buffer.from(pair.publicKey).toString('base64'), k.public_key);
  });
}

for (const v of file.pad) {
  test(`pad: ${v.name}`, () => {
    const padded = padReply(hex(v.salt), v.message);
    assert.equal(padded.length, v.length);
    assert.equal(sha256(padded), v.sha256);
    assert.equal(toHex(padded.subarray(0, 64)), v.head_hex);
    const back = unpadReply(padded);
    assert.ok(back.ok);
    assert.equal(back.message, v.message);
  });
}

for (const v of file.unpad) {
  test(`unpad: ${v.name}`, () => {
    const r = unpadReply(hex(v.padded_hex));
    if (v.reason) assert.deepEqual(r, { ok: false, reason: v.reason });
    else {
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.message, v.message);
      assert.equal(toHex(r.salt), v.salt);
    }
  });
}

test('binding: info and aad', () => {
  const b = file.binding;
  assert.equal(td.decode(replyInfo(b.manifest_digest)), b.info);
  assert.equal(td.decode(replyAad(b.box_id, b)), b.aad);
});

for (const v of file.commitments) {
  test(`commitment: ${v.name}`, async () => {
    assert.equal(
      await replyCommitment(
        { box_id: v.box_id, manifest_digest: v.manifest_digest },
        v.comment_id,
        hex(v.salt),
        v.message,
      ),
      v.commitment,
    );
  });
}

for (const v of file.open) {
  test(`open: ${v.name}`, async () => {
    const mine = await boxKeyPairFromSeed(v.suite as SuiteName, b64(v.reply_key_seed));
    const b = file.binding;
    const r = await openReply(
      mine,
      { box_id: b.box_id, manifest_digest: b.manifest_digest },
      v.submission,
      v.reply,
    );
    if (v.reason) assert.deepEqual(r, { ok: false, reason: v.reason });
    else {
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.message, v.message);
      assert.equal(toHex(r.salt), v.salt);
      assert.equal(r.commitment, v.reply.commitment);
    }
  });
}

for (const v of file.reply_proofs) {
  test(`reply proof: ${v.name}`, async () => {
    assert.equal(
      (await replyProofRule({ ...v.box, replies: v.replies }, v.document)) ?? 'ok',
      v.expect,
    );
  });
}
