// What the stack's runner runs for sealbox's box.yml: the code of the commit
// the caller resolved, fetched by box.yml's own step, never the working
// tree's (so a box cannot drift from what its certificate names); and the
// guard step, which stops a job whose environment injects code before any
// Node process starts.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { Octokit } from '@octokit/rest';
import {
  commitSealbox,
  sealboxRelease,
  setRunnerEnvironment,
  startStack,
  stopStack,
  type DevStack,
} from '../../src/devstack/index.ts';
import { RELEASE_FILES } from '../../src/devstack/releases.ts';
import { dispatchBox } from '../helpers/box-workflow.ts';
import { REPO_ROOT, sealbox } from '../helpers/cli.ts';

let scratch: string;
let source: string;
let stack: DevStack;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sealbox-box-workflow-'));
  // The stack's sealbox comes from a copy of this package's files, which the tests then change.
  source = join(scratch, 'sealbox');
  for (const f of RELEASE_FILES) {
    mkdirSync(dirname(join(source, f)), { recursive: true });
    cpSync(join(REPO_ROOT, f), join(source, f));
  }
  stack = await startStack({ stateDir: join(scratch, 'state'), sealboxSource: source });
});

after(async () => {
  await stopStack(stack);
  rmSync(scratch, { recursive: true, force: true });
});

/** An Action bundle that leaves a mark and fails: code the box must never run. */
const marker = (path: string) =>
  `require('node:fs').writeFileSync(${JSON.stringify(path)}, 'ran'); process.exit(3);\n`;

test('the box runs the commit its certificate names: the working tree changed after the start is never run', async () => {
  const mark = join(scratch, 'working-tree-ran');
  // The "working tree" the stack started from changes: its Action now leaves a mark.
  writeFileSync(join(source, 'dist/index.js'), marker(mark));
  const released = await dispatchBox(stack, 'acme/drift', sealboxRelease(stack).tag);
  assert.equal(released.job.conclusion, 'success', released.job.log);
  assert.ok(!existsSync(mark), 'the changed working tree did not run');
  assert.match(
    released.job.log,
    new RegExp(`sealbox box: running sealbox/sealbox at ${sealboxRelease(stack).commit}`),
  );
  const v = await sealbox(
    [
      'box',
      'verify',
      released.url,
      '--trusted-root',
      stack.trustedRootPath,
      '--repo',
      'acme/drift',
    ],
    { GITHUB_API_URL: stack.githubApiUrl },
  );
  assert.equal(v.status, 0, v.stdout + v.stderr);

  // Control: the same change committed and called by its commit does run, and fails the job.
  const changed = commitSealbox(stack, {
    branch: 'drift',
    changes: { 'dist/index.js': marker(mark) },
  });
  const drifted = await dispatchBox(stack, 'acme/drifted', changed);
  assert.equal(drifted.job.conclusion, 'failure');
  assert.ok(existsSync(mark), 'the commit called is the code run');
  assert.match(drifted.job.log, /step "Run the box" failed \(exit 3\)/);
});

test('the guard stops a job whose environment injects code, before Node starts: nothing opened, nothing attested', async () => {
  const mark = join(scratch, 'preload-ran');
  const preload = join(scratch, 'preload.cjs');
  writeFileSync(preload, marker(mark));
  setRunnerEnvironment(stack, { NODE_OPTIONS: `--require ${preload}` });
  try {
    const { job } = await dispatchBox(stack, 'acme/guarded', sealboxRelease(stack).tag);
    assert.equal(job.conclusion, 'failure');
    assert.match(
      job.log,
      /::error title=sealbox box::the job's environment sets NODE_OPTIONS, which can run other code/,
    );
    assert.match(job.log, /step "Refuse variables that inject code" failed \(exit 1\)/);
    assert.ok(!existsSync(mark), 'no Node process started');
    const octokit = new Octokit({
      auth: stack.github.tokenFor('observer'),
      baseUrl: stack.githubApiUrl,
    });
    const issues = await octokit.rest.issues.listForRepo({
      owner: 'acme',
      repo: 'guarded',
      state: 'all',
    });
    assert.deepEqual(issues.data, [], 'no box issue');
  } finally {
    setRunnerEnvironment(stack, {});
  }
  // Control: the same preload reaches a Node process when nothing guards it.
  const { execFileSync } = await import('node:child_process');
  assert.throws(() =>
    execFileSync(process.execPath, ['-e', '0'], {
      env: { ...process.env, NODE_OPTIONS: `--require ${preload}` },
      stdio: 'ignore',
    }),
  );
  assert.ok(existsSync(mark));
});

test(
  "exec through box.yml: the operator's checkout lands in source/, beside the fetched Action, and the command runs from it",
  {
    skip:
      process.getuid?.() === 0
        ? false
        : 'the tests do not run as root here: the box cannot make the separate user exec runs as',
  },
  async () => {
    const gh = stack.github;
    gh.putFiles('acme/exec', {
      'scripts/count.sh':
        '#!/bin/sh\n# The accepted submissions arrive as JSON Lines on standard input.\nprintf \'{"lines": %s, "here": "%s"}\\n\' "$(wc -l | tr -d \' \')" "$(ls -A | tr \'\\n\' \' \')"\n',
      '.github/workflows/box.yml': `name: exec
on:
  workflow_dispatch:
permissions: {}
jobs:
  box:
    permissions:
      id-token: write
      attestations: write
      issues: write
      contents: read
    uses: sealbox/sealbox/.github/workflows/box.yml@${sealboxRelease(stack).tag}
    with:
      computation: exec
      parameters: '{"command": ["./scripts/count.sh"], "timeout_seconds": 30}'
      window: 1
      min-participants: 0
      checkout: true
`,
    });
    const octokit = new Octokit({ auth: gh.tokenFor('acme'), baseUrl: stack.githubApiUrl });
    await octokit.rest.actions.createWorkflowDispatch({
      owner: 'acme',
      repo: 'exec',
      workflow_id: 'box.yml',
      ref: 'main',
    });
    const run = gh.runs.find((r) => r.repo === 'acme/exec')!;
    const job = await stack.runner.finished(run.id);
    assert.equal(job.conclusion, 'success', job.log);
    const v = await sealbox(
      [
        'box',
        'verify',
        `${stack.githubServerUrl}/acme/exec/actions/runs/${run.id}`,
        '--trusted-root',
        stack.trustedRootPath,
        '--repo',
        'acme/exec',
        '--format',
        'json',
      ],
      { GITHUB_API_URL: stack.githubApiUrl },
    );
    assert.equal(v.status, 0, v.stdout + v.stderr);
    // The operator's files, and not the Action the box runs (it sits in the workspace's .sealbox-box).
    assert.deepEqual(JSON.parse(v.stdout).output, { lines: 0, here: '.github scripts ' });
  },
);
