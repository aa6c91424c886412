// A large box's result does not fit one GitHub comment (65,536 characters):
// it travels gzip-compressed, in parts if need be, and is read back as the
// exact bytes attested. Small results stay whole and readable.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { resultText, resultTexts } from '../../src/box/bus.ts';
import type { BusComment } from '../../src/box/close-rules.ts';
import { latestResult, MAX_RESULT_BYTES, resultCandidates } from '../../src/box/result-comments.ts';
import { gzip } from '../../src/box/gzip.ts';

/** Comment bodies as one author's comments, in order. */
const comments = (bodies: string[]): BusComment[] =>
  bodies.map((body, i) => ({
    id: i + 1,
    author_id: 7,
    author_login: 'box',
    created_at: '2026-11-22T03:04:05Z',
    updated_at: '2026-11-22T03:04:05Z',
    body,
  }));
const parseResultComments = (bodies: string[]) => latestResult(comments(bodies));

const bundle = { mediaType: 'x', note: 'bundle' };
const records = (n: number) =>
  new TextEncoder().encode(
    JSON.stringify(
      {
        submissions: Array.from({ length: n }, (_, i) => ({
          comment_id: 3_000_000_000 + i,
          author_id: 10_000 + i,
          author_login: `participant-${i}`,
          created_at: '2026-11-22T03:04:05Z',
          ciphertext_sha256: randomBytes(32).toString('hex'),
          status: 'accepted',
        })),
      },
      null,
      2,
    ),
  );

test('a 1,000-submission result (about 280 KB) travels in two comments with its bundle, and reads back byte for byte', async () => {
  const result = records(1000);
  assert.ok(result.length > 200_000, `${result.length} bytes`);
  const bodies = await resultTexts(result, bundle);
  assert.ok(bodies.length <= 2, `${bodies.length} comments`);
  for (const b of bodies) assert.ok(b.length <= 65_536);
  assert.match(bodies.at(-1)!, /```sealbox-result-bundle/, 'the bundle rides in the last part');
  const back = await parseResultComments(['chatter', ...bodies, 'more chatter']);
  assert.deepEqual(back?.result, result);
  assert.deepEqual(back?.bundle, bundle);
});

test('incompressible bytes: parts under the limit, in order; a missing or repeated part assembles nothing', async () => {
  const result = new TextEncoder().encode(randomBytes(150_000).toString('base64'));
  const bodies = await resultTexts(result, bundle);
  assert.ok(bodies.length >= 4, `${bodies.length} comments`);
  for (const b of bodies) assert.ok(b.length <= 65_536, `a part of ${b.length} characters`);
  assert.deepEqual((await parseResultComments(bodies))?.result, result);
  const missing = [bodies[0]!, ...bodies.slice(2)];
  assert.ok((await parseResultComments(missing)) === undefined, 'a missing part assembles nothing');
  const repeated = [bodies[0]!, bodies[1]!, bodies[1]!, ...bodies.slice(2)];
  assert.ok(
    (await parseResultComments(repeated)) === undefined,
    'a repeated part 2 assembles nothing',
  );
  // Part 1 again starts over: a result posted a second time is read whole.
  assert.deepEqual((await parseResultComments([bodies[0]!, ...bodies]))?.result, result);
});

test('a small result stays whole and readable', async () => {
  const small = new TextEncoder().encode('{"ok":true}');
  const bodies = await resultTexts(small, bundle);
  assert.equal(bodies.length, 1);
  assert.match(bodies[0]!, /```sealbox-result\n/);
  assert.deepEqual((await parseResultComments(bodies))?.result, small);
});

test('a compressed result that would inflate past the bound is refused, not inflated', async () => {
  const bomb = await gzip(new Uint8Array(MAX_RESULT_BYTES + 1));
  const b64 = Buffer.from(bomb).toString('base64');
  const body = [
    'sealbox box result (gzip), part 1 of 1:',
    '',
    '```sealbox-result-gzip',
    ...(b64.match(/.{1,76}/g) ?? []),
    '```',
    '',
    '```sealbox-result-bundle',
    Buffer.from(JSON.stringify(bundle)).toString('base64'),
    '```',
  ].join('\n');
  await assert.rejects(resultCandidates(comments([body]), 7)[0]!.load(), {
    code: 'INPUT_INVALID',
    message: /inflates past/,
  });
  assert.equal(await parseResultComments([body]), undefined, 'a reader skips it');
});

test('whole when the readable text fits 60,000 characters, else compressed: at the edge either way', async () => {
  // The readable text: the result's base64 in lines of 76, and about 170 characters more here.
  const kinds = new Set<string>();
  for (const n of [44_000, 44_200, 44_250, 44_300, 44_400, 45_000, 45_001, 46_000]) {
    const result = new TextEncoder().encode('x'.repeat(n));
    const whole = resultText(result, bundle);
    const bodies = await resultTexts(result, bundle);
    if (whole.length <= 60_000) {
      kinds.add('whole');
      assert.deepEqual(bodies, [whole], `${n} bytes: whole`);
    } else {
      kinds.add('compressed');
      assert.match(bodies[0]!, /^sealbox box result \(gzip\), part 1 of 1:/, `${n} bytes`);
      assert.deepEqual((await parseResultComments(bodies))?.result, result);
    }
  }
  assert.deepEqual([...kinds].sort(), ['compressed', 'whole'], 'both sides of the edge');
});
