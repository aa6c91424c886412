// A large box's result does not fit one GitHub comment (65,536 characters):
// it is posted in parts and read back whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResultComments, resultTexts } from '../../src/box/bus.ts';

test('a 400 KB result: parts under the limit, read back byte for byte; a small one stays whole', () => {
  const big = new TextEncoder().encode(
    JSON.stringify({
      submissions: Array.from({ length: 3000 }, (_, i) => ({
        comment_id: i,
        ciphertext_sha256: 'ab'.repeat(32),
      })),
    }),
  );
  const bundle = { mediaType: 'x', note: 'bundle' };
  const bodies = resultTexts(big, bundle);
  assert.ok(bodies.length > 3);
  for (const b of bodies) assert.ok(b.length <= 65_536, `a part of ${b.length} characters`);
  const back = parseResultComments(['unrelated chatter', ...bodies, 'more chatter']);
  assert.deepEqual(back?.result, big);
  assert.deepEqual(back?.bundle, bundle);
  const small = new TextEncoder().encode('{"ok":true}');
  assert.equal(resultTexts(small, bundle).length, 1);
  assert.deepEqual(parseResultComments(resultTexts(small, bundle))?.result, small);
});
