// Benchmarks. Each figure is a ratio against a named baseline measured in the
// same run, alternating the two, because these machines are noisy.
//
// P1: whole-process `sealbox verify` of one bundle (node bin/sealbox.js, no
// npx) against bench/baseline-verify.js, a bare script calling
// @sigstore/verify directly on the same bundle. Target: at most 1.3x.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.env.BENCH_RUNS ?? 25);
const root = new URL('..', import.meta.url).pathname;
const fixtures = new URL('../../shared/fixtures/sigstore-conformance/', import.meta.url).pathname;
const identity =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const artifact = `${fixtures}a.txt`;
const bundle = `${fixtures}happy-path-v0.3/bundle.sigstore.json`;

// The baseline reads the same embedded public-good root sealbox uses.
const { default: snapshot } = await import('../src/sigstore/roots/public-good.json', {
  with: { type: 'json' },
});
const scratch = mkdtempSync(join(tmpdir(), 'sealbox-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const rootFile = join(scratch, 'trusted_root.json');
writeFileSync(rootFile, JSON.stringify(snapshot.trustedRoot));

const commands = {
  'bare @sigstore/verify script': [
    join(root, 'bench/baseline-verify.js'),
    artifact,
    bundle,
    rootFile,
    identity,
  ],
  'sealbox verify': [
    join(root, 'bin/sealbox.js'),
    'verify',
    artifact,
    '--bundle',
    bundle,
    '--cert-identity',
    identity,
  ],
};

function once(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, SEALBOX_CACHE_DIR: join(scratch, 'empty-cache') },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args[0]} failed: ${r.stderr || r.stdout}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (const args of Object.values(commands)) once(args); // warm the file cache
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(commands)) times[name].push(once(args));
}
const base = median(times['bare @sigstore/verify script']);
const ours = median(times['sealbox verify']);
console.log(
  `P1 verify one bundle, whole process, median of ${runs} alternating runs (node ${process.version})`,
);
console.log(`  baseline  bare @sigstore/verify script: ${base.toFixed(1)} ms`);
console.log(`  sealbox verify (node bin/sealbox.js):   ${ours.toFixed(1)} ms`);
console.log(`  ratio sealbox / baseline: ${(ours / base).toFixed(2)}x (target <= 1.30x)`);
