// The v1.1 plaintext padding: every vector of
// docs/spec/vectors/sealed-box-v1.1/padding.json, the armour-length formula
// against the real armour, and properties (round trip; one encoding per
// message; unpad total on any bytes).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { sha256Hex, toBase64, toHex } from '../../src/bytes.ts';
import { generateBoxKeyPair, seal } from '../../src/box/hpke.ts';
import {
  armourLength,
  buckets,
  commentBudget,
  pad,
  PUBLIC_KEY_LENGTH,
  plaintextCap,
  unpad,
  type PaddingParams,
  type SubmissionFields,
} from '../../src/box/padding.ts';
import { armour, ENC_LENGTH } from '../../src/box/armour.ts';
import { isSealboxError } from '../../src/errors.ts';

const RUNS = Number(process.env.SEALBOX_FUZZ_RUNS ?? '300');
const vectors = JSON.parse(
  readFileSync(
    new URL('../../docs/spec/vectors/sealed-box-v1.1/padding.json', import.meta.url),
    'utf8',
  ),
);

type BoxJson = { suite: PaddingParams['suite']; max_bytes: number; signed_submissions: boolean };
const params = (b: BoxJson): PaddingParams => ({
  suite: b.suite,
  maxBytes: b.max_bytes,
  signedSubmissions: b.signed_submissions,
});
const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

test('vectors: caps and buckets', () => {
  assert.ok(vectors.caps.length >= 8);
  for (const v of vectors.caps) {
    const p = params(v.box);
    const what = JSON.stringify(v.box);
    assert.equal(commentBudget(p), v.budget, what);
    assert.equal(plaintextCap(p), v.cap ?? -1, what);
    assert.deepEqual(buckets(p), v.buckets, what);
    if (v.cap === null) continue;
    assert.equal(armourLength(p.suite, v.cap), v.armour_lf_at_cap, what);
    assert.equal(armourLength(p.suite, v.cap, 2), v.armour_crlf_at_cap, what);
    assert.equal(armourLength(p.suite, v.cap + 1, 2), v.armour_crlf_above_cap, what);
    assert.ok(v.armour_crlf_at_cap <= v.budget && v.armour_crlf_above_cap > v.budget, what);
  }
});

test('vectors: pad, and unpad of what pad made', async () => {
  let padded = 0;
  let refused = 0;
  for (const v of vectors.pad) {
    const p = params(v.box);
    const fields: SubmissionFields = {
      message:
        v.fields.message ?? v.fields.message_repeat.text.repeat(v.fields.message_repeat.count),
      ...(v.fields.reply_public_key === undefined
        ? {}
        : { reply_public_key: v.fields.reply_public_key }),
    };
    if (v.refuse) {
      refused++;
      assert.throws(
        () => pad(fields, p),
        (e: unknown) =>
          isSealboxError(e) &&
          e.code === 'INPUT_INVALID' &&
          e.message.startsWith(`${v.refuse.input}: `) &&
          !e.message.includes('\n'),
        v.name,
      );
      continue;
    }
    padded++;
    const bytes = pad(fields, p);
    assert.equal(bytes.length, v.padded.length, v.name);
    assert.equal(await sha256Hex(bytes), v.padded.sha256, v.name);
    assert.equal(toHex(bytes.subarray(0, 1024)), v.padded.hex, v.name);
    const back = unpad(bytes, p);
    assert.deepEqual(back, { ok: true, fields }, v.name);
  }
  assert.ok(padded >= 15 && refused >= 6, `${padded} padded, ${refused} refused`);
});

test('vectors: unpad', () => {
  const reasons = new Set<string>();
  for (const v of vectors.unpad) {
    const got = unpad(fromHex(v.padded_hex), params(v.box));
    if (v.reason) {
      reasons.add(v.reason);
      assert.deepEqual(got, { ok: false, reason: v.reason }, v.name);
    } else assert.deepEqual(got, { ok: true, fields: v.fields }, v.name);
  }
  // Every rejection the spec names has a vector.
  assert.deepEqual([...reasons].sort(), [
    'length_out_of_range',
    'message_not_utf8',
    'nonzero_padding',
    'reply_key_length',
    'size_not_bucket',
    'wrong_bucket',
  ]);
});

test('armourLength is the length of the armour sealbox writes (LF) and of its CRLF form', () => {
  for (const suite of ['x-wing', 'x25519'] as const) {
    for (const size of [0, 1, 2, 3, 47, 48, 49, 256, 645, 1792, 32768, 46477]) {
      const text = armour(new Uint8Array(ENC_LENGTH[suite]), new Uint8Array(size + 16));
      assert.equal(text.length, armourLength(suite, size), `${suite} ${size}`);
      assert.equal(text.replace(/\n/g, '\r\n').length, armourLength(suite, size, 2));
    }
  }
});

test('sealed votes of different lengths have armours of one length', async () => {
  const box = await generateBoxKeyPair('x25519');
  const p: PaddingParams = { suite: 'x25519', maxBytes: 65536, signedSubmissions: false };
  const lengths = new Set<number>();
  for (const message of ['yes', 'no', 'abstain', '', '1'.repeat(200)]) {
    const { enc, ct } = await seal(
      'x25519',
      box.publicKey,
      pad({ message }, p),
      new Uint8Array(0),
      new Uint8Array(0),
    );
    lengths.add(armour(enc, ct).length);
  }
  assert.deepEqual([...lengths], [armourLength('x25519', 256)]);
});

const boxes = fc.record({
  suite: fc.constantFrom('x-wing' as const, 'x25519' as const),
  maxBytes: fc.integer({ min: 1, max: 65536 }),
  signedSubmissions: fc.boolean(),
});

test('property: pad then unpad gives the fields back, in a bucket of the box, or pad refuses with INPUT_INVALID', () => {
  fc.assert(
    fc.property(
      boxes,
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'binary-ascii', minLength: 200, maxLength: 3000 }),
      ),
      fc.boolean(),
      fc.nat(),
      (p, message, withKey, seed) => {
        const key = withKey
          ? toBase64(
              Uint8Array.from({ length: PUBLIC_KEY_LENGTH[p.suite] }, (_, i) => (seed + i) & 255),
            )
          : undefined;
        const fields: SubmissionFields = key ? { message, reply_public_key: key } : { message };
        let bytes: Uint8Array;
        try {
          bytes = pad(fields, p);
        } catch (e) {
          assert.ok(isSealboxError(e) && e.code === 'INPUT_INVALID', String(e));
          const framed =
            6 + new TextEncoder().encode(message).length + (key ? PUBLIC_KEY_LENGTH[p.suite] : 0);
          assert.ok(
            plaintextCap(p) < 256 || framed > plaintextCap(p),
            'refused only when it does not fit',
          );
          return;
        }
        assert.ok(buckets(p).includes(bytes.length));
        assert.ok(armourLength(p.suite, bytes.length, 2) <= commentBudget(p));
        assert.deepEqual(unpad(bytes, p), { ok: true, fields });
      },
    ),
    { numRuns: RUNS },
  );
});

const small: PaddingParams = { suite: 'x25519', maxBytes: 1024, signedSubmissions: false };

test('property: unpad never throws, and what it accepts is exactly what pad makes (one encoding)', () => {
  const edited = fc
    .record({
      message: fc.string({ unit: 'binary', maxLength: 40 }),
      edits: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), {
        maxLength: 3,
      }),
      resize: fc.constantFrom(0, 0, 0, 1, -1, 256, 389),
    })
    .map(({ message, edits, resize }) => {
      const padded = pad({ message }, small);
      const out = new Uint8Array(Math.max(0, padded.length + resize));
      out.set(padded.subarray(0, out.length));
      for (const { at, value } of edits) if (out.length) out[at % Math.min(out.length, 48)] = value;
      return out;
    });
  fc.assert(
    fc.property(fc.oneof(edited, fc.uint8Array({ maxLength: 700 })), (bytes) => {
      const got = unpad(bytes, small);
      if (got.ok) assert.deepEqual(pad(got.fields, small), bytes);
    }),
    { numRuns: RUNS * 4 },
  );
});

test('unpad is total on values that are not byte arrays', () => {
  for (const v of [undefined, null, 'text', 42, {}, [0, 0, 0]])
    assert.deepEqual(unpad(v as unknown as Uint8Array, small), {
      ok: false,
      reason: 'size_not_bucket',
    });
});
