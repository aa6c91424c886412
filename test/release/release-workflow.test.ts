// The release workflow cannot run here: its structure is read as GitHub reads
// it, and a release is emulated on the local stack (tag, release list, pack,
// attestations by sealbox's own Action in attest mode under release.yml's
// identity) and verified offline with `sealbox verify`.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { parseReleaseList } from '../../src/box/releases.ts';
import { startStack, stopStack, DEFAULT_RUN, type DevStack } from '../../src/devstack/index.ts';
import { parseOutputFile } from '../../src/devstack/runner.ts';
import { REPO_ROOT, sealbox } from '../helpers/cli.ts';

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, string> };
type Job = {
  'runs-on': string;
  needs?: string;
  permissions: Record<string, string>;
  steps: Step[];
};
const raw = readFileSync(`${REPO_ROOT}.github/workflows/release.yml`, 'utf8');
const release = parse(raw) as {
  on: { push: { tags: string[] } };
  permissions: unknown;
  jobs: Record<string, Job>;
};

test('release.yml: on a v* tag, nothing granted at the top, each job only what it needs', () => {
  assert.deepEqual(release.on, { push: { tags: ['v*'] } });
  assert.deepEqual(release.permissions, {});
  assert.deepEqual(Object.keys(release.jobs), ['build', 'publish']);
  const { build, publish } = release.jobs as { build: Job; publish: Job };
  assert.deepEqual(build.permissions, { contents: 'read' });
  assert.equal(publish.needs, 'build');
  assert.deepEqual(publish.permissions, {
    contents: 'write',
    'id-token': 'write',
    attestations: 'write',
  });
  for (const job of [build, publish]) assert.equal(job['runs-on'], 'ubuntu-latest');
});

test('release.yml: every action pinned by commit (with its version named), or sealbox’s own', () => {
  const lines = raw.split('\n').filter((l) => /^\s*(- )?uses: /.test(l));
  assert.ok(lines.length >= 6);
  for (const line of lines) {
    const uses = line.replace(/^\s*(- )?uses: /, '');
    if (uses.startsWith('./')) {
      assert.equal(uses.split(' ')[0], './', 'the Action of this very commit');
      continue;
    }
    assert.match(uses, /^[a-z-]+\/[a-z-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, line);
  }
  for (const job of Object.values(release.jobs))
    for (const s of job.steps)
      if (s.uses?.startsWith('actions/checkout@'))
        assert.equal(s.with?.['persist-credentials'], false, 'no credentials left on disk');
});

test('release.yml: tested, then the release list, then pack; attested by sealbox in attest mode; published with provenance', () => {
  const { build, publish } = release.jobs as { build: Job; publish: Job };
  const runs = build.steps.map((s) => s.run ?? '');
  const at = (pattern: RegExp) => runs.findIndex((r) => pattern.test(r));
  const order = [
    /^npm ci$/,
    /^npm run check:dist$/,
    /^npm run lint$/,
    /^npm run typecheck$/,
    /^npm test$/,
    /^node scripts\/release-list\.js --tag "\$GITHUB_REF_NAME"$/,
    /^npm pack\n/,
    /vite build web/,
  ].map(at);
  assert.ok(
    order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)),
    `in order: ${order}`,
  );
  assert.equal(build.steps[0]!.with?.['fetch-depth'], 0, 'every tag, for the release list');
  const attest = publish.steps.find((s) => s.uses === './')!;
  assert.equal(attest.with?.mode, 'attest');
  assert.deepEqual(attest.with!['subject-path']!.trim().split('\n'), [
    'release/sealbox-${{ github.ref_name }}.tgz',
    'dist/index.js',
    'release/sealbox-page-${{ github.ref_name }}.zip',
    'release/page/verify.html',
  ]);
  const publishRuns = publish.steps.map((s) => s.run ?? '').join('\n');
  assert.match(
    publishRuns,
    /npm publish --provenance --access public "release\/sealbox-\$GITHUB_REF_NAME\.tgz"/,
  );
  assert.match(publishRuns, /gh release create "\$GITHUB_REF_NAME" --verify-tag/);
  assert.match(publishRuns, /"\$BUNDLE#/, 'the bundle attached');
  for (const job of Object.values(release.jobs))
    for (const s of job.steps)
      if (s.run)
        assert.doesNotMatch(
          s.run,
          /\$\{\{/,
          `${s.name ?? s.run}: no expression pasted into a script`,
        );
});

// ---------------------------------------------------------------- emulated

let scratch: string;
let stack: DevStack;
before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sealbox-release-'));
  stack = await startStack({ stateDir: join(scratch, 'state') });
});
after(async () => {
  await stopStack(stack);
  rmSync(scratch, { recursive: true, force: true });
});

const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'sealbox',
      GIT_AUTHOR_EMAIL: 'sealbox@example.invalid',
      GIT_COMMITTER_NAME: 'sealbox',
      GIT_COMMITTER_EMAIL: 'sealbox@example.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
      npm_config_update_notifier: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

test('an emulated release on the local stack verifies offline with sealbox verify', async () => {
  const { version } = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as {
    version: string;
  };
  const tag = `v${version}`;
  // The package's files, as npm would pack them, in a repository of their own, tagged.
  const pkg = join(scratch, 'sealbox');
  const listed = JSON.parse(
    run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], REPO_ROOT, { HOME: scratch }),
  )[0].files as { path: string }[];
  for (const { path } of listed) {
    mkdirSync(dirname(join(pkg, path)), { recursive: true });
    cpSync(join(REPO_ROOT, path), join(pkg, path));
  }
  run('git', ['init', '-q', '-b', 'main'], pkg);
  run('git', ['add', '-A'], pkg);
  run('git', ['commit', '-q', '-m', `sealbox ${version}`], pkg);
  run('git', ['tag', tag], pkg);
  const commit = run('git', ['rev-parse', 'HEAD'], pkg).trim();
  // release.yml's steps: the release list, the pack, the page.
  run(process.execPath, [`${REPO_ROOT}scripts/release-list.js`, '--tag', tag], pkg);
  const out = join(scratch, 'release');
  mkdirSync(join(out, 'page'), { recursive: true });
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', out], pkg, { HOME: scratch });
  const tarball = join(out, `sealbox-${tag}.tgz`);
  cpSync(join(out, `sealbox-${version}.tgz`), tarball);
  run('zip', ['-q', '-r', '-X', join(out, `sealbox-page-${tag}.zip`), '.'], join(pkg, 'page'));
  cpSync(join(pkg, 'page/verify.html'), join(out, 'page/verify.html'));
  // The packed release list knows this release.
  const packed = parseReleaseList(
    JSON.parse(run('tar', ['-xzOf', tarball, 'package/releases.json'], out)),
    'packed',
  );
  assert.deepEqual(packed.releases.at(-1), { tag, commit });

  // The publish job's attest step: sealbox's own Action of this commit, in attest mode,
  // as a job of sealbox/sealbox's release.yml on the tag.
  const identity = {
    ...DEFAULT_RUN,
    repository: 'sealbox/sealbox',
    workflowPath: '.github/workflows/release.yml',
    workflowName: 'release',
    ref: `refs/tags/${tag}`,
    sha: commit,
    eventName: 'push',
    runId: 9001,
  };
  const outputs = join(scratch, 'outputs');
  writeFileSync(outputs, '');
  writeFileSync(join(scratch, 'summary'), '');
  const subjects = [
    tarball,
    join(pkg, 'dist/index.js'),
    join(out, `sealbox-page-${tag}.zip`),
    join(out, 'page/verify.html'),
  ];
  let log = '';
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [join(pkg, 'dist/index.js')], {
      cwd: pkg,
      env: {
        PATH: process.env.PATH,
        ...stack.env(identity),
        RUNNER_TEMP: scratch,
        GITHUB_OUTPUT: outputs,
        GITHUB_STEP_SUMMARY: join(scratch, 'summary'),
        INPUT_MODE: 'attest',
        'INPUT_SUBJECT-PATH': subjects.join('\n'),
        'INPUT_GITHUB-TOKEN': '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', resolve);
  });
  assert.equal(code, 0, log);
  const bundle = parseOutputFile(readFileSync(outputs, 'utf8'))['bundle-path']!;
  assert.equal(bundle, `${tarball}.sigstore.json`);

  // Offline: the stack's root, release.yml's identity on the tag, no network at all.
  const preload = new URL('../helpers/no-network.mjs', import.meta.url).pathname;
  const verify = (file: string, extra: string[] = [], ref = `refs/tags/${tag}`) =>
    sealbox(
      [
        'verify',
        file,
        '--bundle',
        bundle,
        '--trusted-root',
        stack.trustedRootPath,
        '--repo',
        'sealbox/sealbox',
        '--signer-workflow',
        'sealbox/sealbox/.github/workflows/release.yml',
        '--source-ref',
        ref,
        ...extra,
      ],
      { NODE_OPTIONS: `--import ${preload}`, GITHUB_API_URL: 'http://192.0.2.1' },
    );
  for (const file of subjects) {
    const v = await verify(file, ['--source-digest', commit]);
    assert.equal(v.status, 0, `${file}: ${v.stdout}${v.stderr}`);
    assert.match(v.stdout, /^OK/m);
  }
  // A changed tarball, another workflow, another tag: each refused.
  const tampered = join(scratch, 'tampered.tgz');
  writeFileSync(tampered, Buffer.concat([readFileSync(tarball), Buffer.from([0])]));
  assert.equal((await verify(tampered)).status, 1);
  const box = await sealbox(
    [
      'verify',
      tarball,
      '--bundle',
      bundle,
      '--trusted-root',
      stack.trustedRootPath,
      '--signer-workflow',
      'sealbox/sealbox/.github/workflows/box.yml',
    ],
    { NODE_OPTIONS: `--import ${preload}` },
  );
  assert.equal(box.status, 1);
  assert.match(box.stdout, /SIGNER_MISMATCH/);
  const otherTag = await verify(tarball, [], 'refs/tags/v0.0.1');
  assert.equal(otherTag.status, 1);
  assert.match(otherTag.stdout, /SOURCE_REF_MISMATCH/);
});
