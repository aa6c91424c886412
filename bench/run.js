// Runs every benchmark in turn. Each prints its figures as ratios against a
// named baseline measured in the same run.
import { spawnSync } from 'node:child_process';

const benches = [
  'cli-verify.js',
  'startup.js',
  'attest.js',
  'batch.js',
  'envelopes.js',
  'box-open.js',
  'bus-polling.js',
  'flood-memory.js',
  'adversarial-comments.js',
  'browser-core.js',
];
const only = process.argv[2];
let failed = false;
for (const b of benches.filter((x) => !only || x.startsWith(only))) {
  console.log(`\n== ${b}`);
  const r = spawnSync(process.execPath, [new URL(b, import.meta.url).pathname], {
    stdio: 'inherit',
  });
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
