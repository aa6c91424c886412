// The box's memory under a flood: 10,000 junk comments beside 1,000 valid
// submissions, against the same run with the 1,000 valid alone (the
// baseline), each in a process of its own (bench/flood-run.js). The box runs
// in a worker thread, so its heap is measured apart from the local stack's
// copy of every comment. Target: at most 1.5x the baseline's heap growth.
import { spawnSync } from 'node:child_process';

const valid = Number(process.env.BENCH_FLOOD_VALID ?? 1000);
const junk = Number(process.env.BENCH_FLOOD_JUNK ?? 10_000);

function run(v, j) {
  const r = spawnSync(process.execPath, [new URL('flood-run.js', import.meta.url).pathname, v, j], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`flood run ${v}/${j} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

const alone = run(valid, 0);
const flood = run(valid, junk);
const ok =
  alone.accepted === valid &&
  flood.accepted === valid &&
  flood.rejected === flood.armouredJunk &&
  flood.status === 'complete';
const mib = (x) => `${x.toFixed(1)} MiB`;
console.log(
  `the box's heap under a flood of ${junk} junk comments beside ${valid} valid submissions (node ${process.version})`,
);
const x = (k) => `${(flood[k] / alone[k]).toFixed(2)}x`;
console.log(
  `  baseline  ${valid} valid alone:        peak growth ${mib(alone.peakMiB)}, held after a full collection ${mib(alone.afterMarkSweepMiB)} (as a GC observer reads it ${mib(alone.retainedMiB)}) (${alone.seconds.toFixed(0)} s)`,
);
console.log(
  `  flood     ${valid} valid + ${junk} junk:  held after a full collection ${mib(flood.afterMarkSweepMiB)} = ${x('afterMarkSweepMiB')} the baseline (target <= 1.5x); as a GC observer reads it ${mib(flood.retainedMiB)} = ${x('retainedMiB')}; peak growth ${mib(flood.peakMiB)} = ${x('peakMiB')} (${flood.seconds.toFixed(0)} s)`,
);
console.log(
  `  held at fixed points (each wait between polls, the result's attestation), after a full collection, over what the box held when announced: ${mib(flood.heldMiB)} (most at ${flood.heldAt}) against ${mib(alone.heldMiB)} (most at ${alone.heldAt}) = ${x('heldMiB')} (target <= 1.5x)`,
);
console.log(
  `  every valid accepted, every armoured junk comment rejected: ${ok ? 'yes' : 'NO'} (${flood.accepted} accepted, ${flood.rejected} rejected of ${flood.armouredJunk} armoured junk)`,
);
if (!ok) process.exit(1);
