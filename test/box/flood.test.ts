// A flood: a box receiving junk of every kind (test/helpers/flood.ts) beside
// valid submissions, over the GitHub bus on the local stack, on a simulated
// clock. Every valid submission is accepted, every armoured junk comment
// rejected with a reason, nothing else counted; and the box's heap, measured
// in the box's own thread, against the same run with the valid submissions
// alone. CI runs a fifth of the size; `npm run stress` runs 10,000 junk and
// 1,000 valid (SEALBOX_FLOOD_SCALE=1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFlood } from '../helpers/flood.ts';

const SCALE = Number(process.env.SEALBOX_FLOOD_SCALE ?? '0.2');
const JUNK = Math.round(10_000 * SCALE);
const VALID = Math.round(1_000 * SCALE);

test(`a flood of ${JUNK} junk comments beside ${VALID} valid submissions`, async (t) => {
  const alone = await runFlood(VALID, 0);
  const flood = await runFlood(VALID, JUNK);
  const r = flood.result;
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  t.diagnostic(
    `${JUNK} junk + ${VALID} valid: ${flood.seconds.toFixed(1)} s; the box's heap growth peaks at ${flood.peakMiB.toFixed(1)} MiB (${ratio(flood.peakMiB, alone.peakMiB)}x the ${alone.peakMiB.toFixed(1)} MiB of the ${VALID} valid alone), holds ${flood.afterMarkSweepMiB.toFixed(1)} MiB after a full collection (${ratio(flood.afterMarkSweepMiB, alone.afterMarkSweepMiB)}x ${alone.afterMarkSweepMiB.toFixed(1)} MiB; ${ratio(flood.retainedMiB, alone.retainedMiB)}x as a GC observer reads it)`,
  );
  assert.equal(alone.result.counts.accepted, VALID);
  assert.equal(r.status, 'complete');
  assert.equal(r.counts.accepted, VALID);
  const accepted = new Set(
    r.submissions.filter((s) => s.status === 'accepted').map((s) => s.author_id),
  );
  for (let i = 0; i < VALID; i++) assert.ok(accepted.has(50_000 + i), `voter${i} accepted`);
  const rejected = r.submissions.filter((s) => s.status === 'rejected');
  assert.equal(
    rejected.length,
    flood.armouredJunk,
    'each armoured junk comment rejected, nothing else counted',
  );
  assert.ok(
    rejected.every((s) => s.reason),
    'each with a reason',
  );
  for (const reason of ['malformed', 'too_large', 'undecryptable'])
    assert.ok((r.counts.by_reason as Record<string, number>)[reason]! > 0, reason);
  assert.deepEqual(r.output, { counts: { yes: 0 }, invalid: VALID, ballots: VALID });
  // A bound with room (the heap's peaks follow the collector): the stated figures are above.
  assert.ok(
    flood.retainedMiB < 8 * Math.max(alone.retainedMiB, 1),
    `the flood holds ${flood.retainedMiB.toFixed(1)} MiB`,
  );
});
