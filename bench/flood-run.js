// One flood run in a process of its own (bench/flood-memory.js starts two):
// VALID submissions and JUNK junk comments; prints what it measured as JSON.
import { runFlood } from '../test/helpers/flood.ts';

const [valid, junk] = process.argv.slice(2).map(Number);
const r = await runFlood(valid, junk);
const result = r.result;
process.stdout.write(
  JSON.stringify({
    valid,
    junk,
    status: result.status,
    accepted: result.counts.accepted,
    rejected: result.submissions.filter((s) => s.status === 'rejected').length,
    armouredJunk: r.armouredJunk,
    seconds: r.seconds,
    peakMiB: r.peakMiB,
    retainedMiB: r.retainedMiB,
    afterMarkSweepMiB: r.afterMarkSweepMiB,
    heldMiB: r.heldMiB,
    heldAt: r.heldAt,
  }) + '\n',
);
