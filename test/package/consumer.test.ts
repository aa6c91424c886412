// sealbox as users get it: `npm pack`, then npm installs the tarball, with no
// network (test/helpers/package.ts), on this clone's Node 24. A fresh project
// imports every entry point from plain .mjs and type-checks against the
// shipped .d.ts; the installed bin verifies a bundle, runs the demo and packs
// its box with the shipped verify.html; the README's install lines run as
// written. A control leaves a file the demo needs out of `files` and shows the
// same checks fail (quickly, with one line).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, SHARED, assertOneCleanLine } from '../helpers/cli.ts';
import {
  npm,
  npmCacheDir,
  npmEnv,
  pack,
  run,
  startLocalRegistry,
  tarballFiles,
  tarballManifest,
  type LocalRegistry,
} from '../helpers/package.ts';

const conformance = `${SHARED}fixtures/sigstore-conformance/`;
const IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const repoManifest = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as {
  version: string;
  files: string[];
};

let scratch: string;
let tarball: string;
let registry: LocalRegistry;
let env: NodeJS.ProcessEnv;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sealbox-package-'));
  mkdirSync(join(scratch, 'packed'));
  tarball = await pack(join(scratch, 'packed'));
  registry = await startLocalRegistry(await npmCacheDir(), [
    { path: tarball, manifest: await tarballManifest(tarball) },
  ]);
  // The demo's state and any cache sealbox keeps go to the scratch folder too.
  env = {
    ...npmEnv(registry.url, join(scratch, 'npm-cache')),
    SEALBOX_CACHE_DIR: join(scratch, 'cache'),
  };
});

after(async () => {
  await registry?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function project(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `{"name":"${name}","version":"1.0.0","private":true}\n`);
  return dir;
}

/**
 * What a user of an installed sealbox does first; returns the problems
 * found (none for a good package). `bin` is the installed command.
 */
async function useInstalledCli(bin: string[], dir: string): Promise<string[]> {
  const problems: string[] = [];
  const verify = await run(
    bin[0]!,
    [
      ...bin.slice(1),
      'verify',
      `${conformance}a.txt`,
      '--bundle',
      `${conformance}happy-path-v0.3/bundle.sigstore.json`,
      '--cert-identity',
      IDENTITY,
    ],
    { cwd: dir, env: { ...env, SEALBOX_CACHE_DIR: join(dir, 'cache') } },
  );
  if (verify.status !== 0 || !verify.stdout.startsWith('OK: '))
    problems.push(`verify: exit ${verify.status}: ${verify.stderr.trim()}`);
  const demo = await run(
    bin[0]!,
    [...bin.slice(1), 'demo', '--out', join(dir, 'demo'), '--state', join(dir, 'state')],
    { cwd: dir, env, timeoutMs: 90_000 },
  );
  // The demo exits 0 only when the box it ran verifies; its four files must be there.
  const written = [
    'manifest.json',
    'manifest.sigstore.json',
    'result.json',
    'result.sigstore.json',
  ];
  if (demo.status !== 0 || !written.every((f) => existsSync(join(dir, 'demo', f)))) {
    problems.push(
      `demo: exit ${demo.status} after ${Math.round(demo.ms)} ms: ${demo.stderr.trim()}`,
    );
    return problems;
  }
  // The demo's box verified again into an evidence pack, which takes the package's verify.html.
  const pack = join(dir, 'evidence');
  const exported = await run(
    bin[0]!,
    [
      ...bin.slice(1),
      ...['box', 'verify', join(dir, 'demo'), '--repo', 'demo/sealbox', '--export', pack],
      ...['--trusted-root', join(dir, 'state', 'trusted_root.json')],
    ],
    { cwd: dir, env },
  );
  if (exported.status !== 0 || !existsSync(join(pack, 'verify.html')))
    problems.push(`box verify --export: exit ${exported.status}: ${exported.stderr.trim()}`);
  return problems;
}

/** Installs a tarball into a fresh project as its dependency; returns the project. */
async function installInto(name: string, tgz: string): Promise<string> {
  const dir = project(name);
  const r = await npm(['install', tgz], { cwd: dir, env });
  assert.equal(r.status, 0, `npm install ${tgz} failed:\n${r.stderr}`);
  return dir;
}

test('the tarball holds the compiled library, the bundled CLI and Action, and what they read; no TypeScript sources', async () => {
  const files = await tarballFiles(tarball);
  const manifest = await tarballManifest(tarball);
  const exportsMap = manifest.exports as Record<string, string | Record<string, string>>;
  const targets = Object.values(exportsMap).flatMap((t) =>
    typeof t === 'string' ? [t] : Object.values(t),
  );
  const bins = Object.values(manifest.bin as Record<string, string>);
  const action = readFileSync(`${REPO_ROOT}action.yml`, 'utf8');
  const actionMain = /^\s+main:\s*['"]?([^'"\s]+)/m.exec(action)?.[1];
  const needed = [
    ...targets,
    ...bins,
    'build/cli.js',
    'action.yml',
    actionMain!,
    '.github/workflows/box.yml',
    'examples/workflows/auction.yml',
    'page/verify.html',
    // The release list verifiers check box workflows against (the release writes it).
    'releases.json',
  ].map((f) => f.replace(/^\.\//, ''));
  assert.deepEqual(
    needed.filter((f) => !files.includes(f)),
    [],
  );
  assert.ok(targets.length >= 6, 'three entry points, each with JavaScript and types');
  assert.deepEqual(
    files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts')),
    [],
  );
  assert.equal(manifest.private, undefined);
});

/** The README's command lines that start with `start` (in its code blocks). */
function readmeLines(start: RegExp): string[][] {
  const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
  return readme
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => start.test(l))
    .map((l) => l.split(/\s+/));
}

// Each install is independent (its own project, prefix or npx folder; one
// npm cache): they run side by side, so their waits overlap.
describe('installed from the tarball', { concurrency: true }, () => {
  test('installed into a fresh project: every entry point imports from plain .mjs, its types check, and the bin verifies and runs the demo', async () => {
    const dir = await installInto('consumer', tarball);
    writeFileSync(
      join(dir, 'entries.mjs'),
      `import * as node from 'sealbox';
import * as core from 'sealbox/core';
import * as devstack from 'sealbox/devstack';
const root = core.embeddedTrustedRoot();
const stack = await devstack.startStack({ stateDir: process.argv[2] });
const [alice] = devstack.userTokens(stack, ['alice']);
await devstack.stopStack(stack);
console.log(JSON.stringify({
  node: Object.keys(node).length,
  core: Object.keys(core).length,
  same: node.verifyBox === core.verifyBox && node.SealboxError === core.SealboxError,
  verifier: typeof node.SigstoreSignatureVerifier,
  root: root.source,
  stack: stack.url,
  token: typeof alice.token,
}));
`,
    );
    const imported = await run('node', ['entries.mjs', join(dir, 'entries-state')], {
      cwd: dir,
      env,
    });
    assert.equal(imported.status, 0, imported.stderr);
    const seen = JSON.parse(imported.stdout) as Record<string, unknown>;
    assert.equal(seen.same, true, 'the Node API re-exports the core, not a copy of it');
    assert.equal(seen.verifier, 'function');
    assert.match(String(seen.root), /^embedded public-good root/);
    assert.match(String(seen.stack), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(seen.token, 'string');
    assert.ok((seen.node as number) > (seen.core as number));

    // The shipped declarations, as a TypeScript user compiles against them.
    writeFileSync(
      join(dir, 'types.mts'),
      `import { verifyBundle, type VerificationResult } from 'sealbox';
import { verifyBox, type SignatureVerifier, type BoxVerification } from 'sealbox/core';
import { startStack, type DevStack, type GitHubFault } from 'sealbox/devstack';
export const result: Promise<VerificationResult> = verifyBundle('{}', 'sha256:00', { repo: 'o/r' });
export const verifier: SignatureVerifier | undefined = undefined;
export const box: typeof verifyBox = verifyBox;
export const fault: GitHubFault = { status: 503 };
export const stack: Promise<DevStack> = startStack();
export type Checks = BoxVerification['checks'];
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2024',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [`${REPO_ROOT}node_modules/@types`],
        },
        files: ['types.mts'],
      }),
    );
    const tsc = await run('node', [`${REPO_ROOT}node_modules/typescript/bin/tsc`, '-p', dir], {
      cwd: dir,
      env,
    });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);

    assert.deepEqual(await useInstalledCli([join(dir, 'node_modules/.bin/sealbox')], dir), []);
  });

  test("README's `npm install -g sealbox`, into a scratch prefix: the sealbox command verifies and runs the demo", async () => {
    const [line] = readmeLines(/^npm install -g sealbox$/);
    assert.ok(line, 'README says how to install sealbox globally');
    const dir = project('global');
    const prefix = join(dir, 'prefix');
    const installed = await run(line[0]!, line.slice(1), {
      cwd: dir,
      env: { ...env, npm_config_prefix: prefix },
    });
    assert.equal(installed.status, 0, installed.stderr);
    assert.deepEqual(await useInstalledCli([join(prefix, 'bin/sealbox')], dir), []);
    // Where the first node on PATH is the system's older one, the command says what to install.
    const system = await run('/usr/bin/node', ['--version']).catch(() => undefined);
    if (system && Number(/^v(\d+)/.exec(system.stdout)![1]) < 24) {
      const old = await run(join(prefix, 'bin/sealbox'), ['--version'], {
        cwd: dir,
        env: { ...env, PATH: '/usr/bin:/bin' },
      });
      assert.equal(old.status, 2);
      assert.match(
        old.stderr,
        /^sealbox: needs Node\.js 24\.15 or later \(this is v\d+\.\d+\.\d+\): install it from https:\/\/nodejs\.org or with your version manager/,
      );
    }
  });

  test("README's `npx sealbox@VERSION ...` runs this version's command as written", async () => {
    const lines = readmeLines(/^npx sealbox@/);
    assert.ok(lines.length, 'README shows npx sealbox@VERSION');
    for (const line of lines) {
      assert.equal(line[1], `sealbox@${repoManifest.version}`, 'README names this version');
      const dir = project(`npx-${lines.indexOf(line)}`);
      const r = await run(line[0]!, line.slice(1), { cwd: dir, env, timeoutMs: 90_000 });
      assert.equal(r.status, 0, `${line.join(' ')}: ${r.stderr}`);
    }
  });

  test('control: a package whose files leave out box.yml fails these checks, the demo with one line and promptly', async () => {
    // The same package with one entry removed from `files`, packed again.
    const unpacked = join(scratch, 'control-src');
    mkdirSync(unpacked);
    const untar = await run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
    assert.equal(untar.status, 0, untar.stderr);
    const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as {
      files: string[];
    };
    assert.ok(manifest.files.includes('.github/workflows/box.yml'));
    manifest.files = manifest.files.filter((f) => f !== '.github/workflows/box.yml');
    writeFileSync(join(unpacked, 'package.json'), JSON.stringify(manifest, null, 2));
    mkdirSync(join(scratch, 'control-packed'));
    const packed = await run(
      'npm',
      ['pack', '--ignore-scripts', '--pack-destination', join(scratch, 'control-packed')],
      { cwd: unpacked, env },
    );
    assert.equal(packed.status, 0, packed.stderr);
    const control = join(scratch, 'control-packed', `sealbox-${repoManifest.version}.tgz`);
    assert.ok(!(await tarballFiles(control)).includes('.github/workflows/box.yml'));

    const dir = await installInto('control', control);
    const problems = await useInstalledCli([join(dir, 'node_modules/.bin/sealbox')], dir);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /^demo: exit 2 after (\d+) ms: sealbox: .*box\.yml/);
    const ms = Number(/after (\d+) ms/.exec(problems[0]!)![1]);
    assert.ok(ms < 15_000, `the demo ended ${ms} ms after it started, not hanging`);
    assertOneCleanLine(problems[0]!.replace(/^demo: exit 2 after \d+ ms: /, ''));
  });
});
