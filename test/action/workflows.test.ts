// The reusable box workflow and the caller templates, read as GitHub reads
// them: what the box's attestation vouches for must be small and fixed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { BOX_WORKFLOW } from '../../src/box/verify.ts';
import { boxJobConfig } from '../../src/node/box-job.ts';
import { REPO_ROOT } from '../helpers/cli.ts';

type Step = { uses?: string; run?: string; if?: string; with?: Record<string, unknown> };
const read = (p: string) => parse(readFileSync(`${REPO_ROOT}${p}`, 'utf8'));
const box = read('.github/workflows/box.yml');
const inputs = box.on.workflow_call.inputs as Record<string, { type: string; default?: unknown }>;

test('box.yml is the workflow box verify trusts by default', () => {
  assert.equal(BOX_WORKFLOW, `sealbox/sealbox/.github/workflows/box.yml`);
  assert.deepEqual(Object.keys(box.on), ['workflow_call']);
  assert.deepEqual(box.permissions, {}, 'nothing at the top level');
});

test('box.yml: one GitHub-hosted job, minimal permissions, within the runner limit', () => {
  const jobs = Object.values(box.jobs) as {
    'runs-on': string;
    'timeout-minutes': number;
    permissions: Record<string, string>;
    steps: Step[];
  }[];
  assert.equal(jobs.length, 1);
  const [job] = jobs;
  assert.equal(job!['runs-on'], 'ubuntu-latest');
  assert.ok(job!['timeout-minutes'] <= 360);
  assert.deepEqual(job!.permissions, {
    'id-token': 'write',
    attestations: 'write',
    issues: 'write',
    contents: 'read',
  });
});

type BoxStep = Step & { name: string; shell?: string; id?: string; env?: unknown };
const [boxJob] = Object.values(box.jobs) as (Record<string, unknown> & { steps: BoxStep[] })[];
const steps = boxJob!.steps;

test('box.yml steps: the guard, the fetch of its own commit, the checkout for exec, the Action of that commit', () => {
  assert.deepEqual(
    steps.map((s) => s.name),
    [
      'Refuse variables that inject code',
      "Fetch sealbox at this workflow's own commit",
      "Check out the operator's repository (exec only)",
      'Run the box',
    ],
  );
  const [guard, fetch, checkout, action] = steps as [BoxStep, BoxStep, BoxStep, BoxStep];
  // Both scripts in POSIX sh (dash reads neither BASH_ENV nor ENV, imports no functions).
  for (const s of [guard, fetch]) {
    assert.equal(s.shell, 'sh', s.name);
    assert.equal(s.uses, undefined, s.name);
  }
  assert.match(checkout.uses!, /^actions\/checkout@[0-9a-f]{40}$/);
  assert.equal(checkout.with!['persist-credentials'], false);
  assert.equal(checkout.with!.path, 'source', 'never over the fetched Action');
  assert.equal(checkout.if, 'inputs.checkout');
  assert.equal(action.uses, './.sealbox-box', 'the Action the fetch step put there');
  assert.equal(action.with!.mode, 'box', 'mode is a literal');
  assert.equal(action.with!['checkout-path'], 'source', 'where the checkout step put it');
  assert.ok(!('mode' in inputs), 'no input can switch the mode');
  for (const [k, v] of Object.entries(action.with!)) {
    if (k === 'mode' || k === 'checkout-path') continue;
    assert.equal(v, `\${{ inputs.${k} }}`, `${k} passes the caller's input through`);
    assert.ok(k in inputs, `${k} is declared`);
  }
  assert.ok(!('github-token' in action.with!), 'the job token, never another');
  assert.ok(!('allow-self-hosted-runners' in action.with!));
});

test('box.yml: no other code path (no env, no container, no other action, no expression in a script)', () => {
  const raw = readFileSync(`${REPO_ROOT}.github/workflows/box.yml`, 'utf8');
  assert.ok(!('env' in box) && !('defaults' in box), 'nothing set for every job');
  for (const key of ['env', 'defaults', 'container', 'services', 'strategy', 'uses'])
    assert.ok(!(key in boxJob!), `the job has no ${key}`);
  for (const s of steps) {
    assert.ok(!('env' in s) && !('working-directory' in s), `${s.name}: no env of its own`);
    if (s.run !== undefined)
      assert.doesNotMatch(s.run, /\$\{\{/, `${s.name}: no expression GitHub would paste in`);
  }
  const uses = steps.map((s) => s.uses).filter(Boolean);
  assert.deepEqual(
    uses.map((u) => u!.replace(/@[0-9a-f]{40}$/, '@SHA')),
    ['actions/checkout@SHA', './.sealbox-box'],
  );
  // Only the fetch step writes the Action's directory, and nothing is fetched with credentials.
  const fetch = steps[1]!.run!;
  assert.equal(raw.match(/\.sealbox-box/g)!.length, 3, 'mkdir, tar -C, and uses:');
  assert.match(fetch, /^mkdir \.sealbox-box$/m, 'mkdir fails if anything put it there before');
  assert.match(
    fetch,
    /curl -q -fsSL [^\n]*"\$GITHUB_SERVER_URL\/\$repo\/archive\/\$sha\.tar\.gz"$/m,
    'the public archive of the commit',
  );
  assert.equal(fetch.match(/Authorization/g)!.length, 1, 'only the ID token request');
  assert.doesNotMatch(raw, /GITHUB_TOKEN|github\.token|secrets\./);
  assert.match(fetch, /\.job_workflow_sha \| select\(test\("\^\[0-9a-f\]\{40\}\$"\)\)/);
});

/** Runs one of box.yml's run: steps as the runner would (sh -e FILE), with exactly `env`. */
function runStep(script: string, env: Record<string, string>) {
  return spawnSync('sh', ['-e', '-c', script], {
    env: { PATH: process.env.PATH!, ...env },
    encoding: 'utf8',
  });
}

test('the guard refuses variables that inject code, each by name, before any Node process', () => {
  const guard = steps[0]!.run!;
  const clean = runStep(guard, {
    HOME: '/tmp',
    GITHUB_ACTIONS: 'true',
    NODE_ENV: 'production',
    SEALBOX_DEBUG: '1',
    XDG_CONFIG_HOME: '/tmp/config',
  });
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  for (const [name, value] of [
    ['NODE_OPTIONS', '--require /tmp/x.js'],
    ['NODE_PATH', '/tmp'],
    ['LD_PRELOAD', '/tmp/x.so'],
    ['LD_LIBRARY_PATH', '/tmp'],
    ['LD_AUDIT', '/tmp/x.so'],
    ['BASH_ENV', '/tmp/x.sh'],
    ['ENV', '/tmp/x.sh'],
    ['BASH_FUNC_curl%%', '() { :; }'],
    ['NODE_EXTRA_CA_CERTS', '/tmp/ca.pem'],
    ['OPENSSL_CONF', '/tmp/openssl.cnf'],
    ['TAR_OPTIONS', '--to-command=sh'],
    ['SEALBOX_FULCIO_URL', 'http://127.0.0.1:1'],
    ['SEALBOX_TSA_URL', 'http://127.0.0.1:1'],
    ['SIGSTORE_ID_TOKEN', 'a.b.c'],
    ['GIT_CONFIG_COUNT', '1'],
    ['GIT_CONFIG_PARAMETERS', "'core.fsmonitor'='sh -c x'"],
    ['GIT_SSH_COMMAND', 'sh -c x'],
    ['GIT_ASKPASS', '/tmp/x'],
  ]) {
    const r = runStep(guard, { HOME: '/tmp', [name!]: value! });
    assert.equal(r.status, 1, `${name}: ${r.stdout}`);
    assert.match(
      r.stdout,
      new RegExp(
        `^::error title=sealbox box::the job's environment sets ${name!.replace(/[%]/g, '.')},`,
        'm',
      ),
    );
  }
  const two = runStep(guard, { HOME: '/tmp', NODE_OPTIONS: '-r x', LD_PRELOAD: 'y' });
  assert.match(two.stdout, /sets (NODE_OPTIONS LD_PRELOAD|LD_PRELOAD NODE_OPTIONS),/);
});

const templates = readdirSync(`${REPO_ROOT}examples/workflows`).filter(
  (f) => f.endsWith('.yml') && f !== 'default-branch-stub.yml',
);

const { version } = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as {
  version: string;
};

test('every example workflow calls box.yml at this package’s release', () => {
  const examples = ['workflows', 'agents'].flatMap((d) =>
    readdirSync(`${REPO_ROOT}examples/${d}`)
      .filter((f) => f.endsWith('.yml'))
      .map((f) => `examples/${d}/${f}`),
  );
  const pins = examples.flatMap((f) =>
    [...readFileSync(`${REPO_ROOT}${f}`, 'utf8').matchAll(/box\.yml@(\S+)/g)].map((m) => m[1]),
  );
  assert.ok(pins.length >= 5);
  assert.deepEqual([...new Set(pins)], [`v${version}`]);
});

test('templates call box.yml at a release, with a nonce box run can find and valid settings', () => {
  assert.deepEqual(templates.sort(), ['auction.yml', 'exec.yml', 'survey.yml', 'vote.yml']);
  for (const f of templates) {
    const w = read(`examples/workflows/${f}`);
    assert.match(w['run-name'], /\$\{\{ inputs\.nonce \}\}/, f);
    assert.ok(w.on.workflow_dispatch.inputs.nonce, f);
    assert.deepEqual(w.permissions, {}, f);
    const [job] = Object.values(w.jobs) as { uses: string; with: Record<string, unknown> }[];
    assert.equal(
      job!.uses,
      `sealbox/sealbox/.github/workflows/box.yml@v${version}`,
      `${f}: pinned to this package's release`,
    );
    for (const k of Object.keys(job!.with)) assert.ok(k in inputs, `${f}: ${k} is a box.yml input`);
    const w2 = job!.with;
    boxJobConfig({
      computation: String(w2.computation),
      parameters: String(w2.parameters ?? '{}'),
      window: String(inputs.window!.default),
      maxSubmissions: String(w2['max-submissions'] ?? inputs['max-submissions']!.default),
      maxBytes: String(inputs['max-bytes']!.default),
      onePerAuthor: String(w2['one-per-author'] ?? 'first') as 'first',
      allowedAuthors: String(w2['allowed-authors'] ?? ''),
      minParticipants: String(w2['min-participants'] ?? 1),
      suite: 'x-wing',
      out: '.',
    });
  }
});
