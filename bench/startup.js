// Start-up as users get it: `sealbox verify` of one bundle through the bin
// npm installs (node_modules/.bin/sealbox, from `npm pack`'s tarball, on
// this clone's Node 24), against bench/baseline-verify.js, a bare script
// calling @sigstore/verify directly on the same bundle, run from the same
// project (so it loads the same installed @sigstore packages). Whole
// processes, alternating, median of BENCH_RUNS. Target: at most 1.10x.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  npm,
  npmCacheDir,
  npmEnv,
  pack,
  run,
  startLocalRegistry,
  tarballManifest,
} from '../test/helpers/package.ts';

const runs = Number(process.env.BENCH_RUNS ?? 25);
const fixtures = new URL('../../shared/fixtures/sigstore-conformance/', import.meta.url).pathname;
const identity =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const artifact = `${fixtures}a.txt`;
const bundle = `${fixtures}happy-path-v0.3/bundle.sigstore.json`;

const scratch = mkdtempSync(join(tmpdir(), 'sealbox-bench-startup-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

// The baseline reads the same embedded public-good root sealbox uses.
const { default: snapshot } = await import('../src/sigstore/roots/public-good.json', {
  with: { type: 'json' },
});
const rootFile = join(scratch, 'trusted_root.json');
writeFileSync(rootFile, JSON.stringify(snapshot.trustedRoot));

const tarball = await pack(scratch);
const registry = await startLocalRegistry(await npmCacheDir(), [
  { path: tarball, manifest: await tarballManifest(tarball) },
]);
const project = join(scratch, 'project');
const env = npmEnv(registry.url, join(scratch, 'npm-cache'));
delete env.NODE_OPTIONS; // measured processes run without the test's network guard
mkdirSync(project);
writeFileSync(join(project, 'package.json'), '{"name":"bench","version":"1.0.0","private":true}\n');
const installed = await npm(['install', tarball], {
  cwd: project,
  env: npmEnv(registry.url, join(scratch, 'npm-cache')),
});
await registry.close();
if (installed.status !== 0) throw new Error(`npm install failed:\n${installed.stderr}`);
// .mjs: an ES module by name, as bench/ is by its package.json (no syntax detection).
copyFileSync(new URL('baseline-verify.js', import.meta.url), join(project, 'baseline-verify.mjs'));

const commands = {
  'bare @sigstore/verify script': [
    'node',
    ['baseline-verify.mjs', artifact, bundle, rootFile, identity],
  ],
  'sealbox verify': [
    join(project, 'node_modules/.bin/sealbox'),
    ['verify', artifact, '--bundle', bundle, '--cert-identity', identity],
  ],
};
const runEnv = { ...env, SEALBOX_CACHE_DIR: join(scratch, 'empty-cache') };

async function once([command, args]) {
  const r = await run(command, args, { cwd: project, env: runEnv });
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr || r.stdout}`);
  return r.ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (const c of Object.values(commands)) await once(c); // warm the file and compile caches
for (let i = 0; i < runs; i++) {
  for (const [name, c] of Object.entries(commands)) times[name].push(await once(c));
}
const base = median(times['bare @sigstore/verify script']);
const ours = median(times['sealbox verify']);
const version = (await run('node', ['--version'], { env })).stdout.trim();
console.log(
  `P1b start-up: verify one bundle through the installed bin, whole process, median of ${runs} alternating runs (node ${version})`,
);
console.log(`  baseline  bare @sigstore/verify script:           ${base.toFixed(1)} ms`);
console.log(`  sealbox verify (node_modules/.bin/sealbox):       ${ours.toFixed(1)} ms`);
console.log(`  ratio sealbox / baseline: ${(ours / base).toFixed(2)}x (target <= 1.10x)`);
