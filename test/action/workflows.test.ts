// The reusable box workflow and the caller templates, read as GitHub reads
// them: what the box's attestation vouches for must be small and fixed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

test('box.yml steps: a credential-less checkout for exec, and the Action pinned by commit in box mode', () => {
  const [job] = Object.values(box.jobs) as { steps: Step[] }[];
  const steps = job!.steps;
  assert.equal(steps.length, 2);
  assert.ok(
    steps.every((s) => s.run === undefined),
    'no run: steps',
  );
  const [checkout, action] = steps as [Step, Step];
  assert.match(checkout.uses!, /^actions\/checkout@[0-9a-f]{40}$/);
  assert.equal(checkout.with!['persist-credentials'], false);
  assert.equal(checkout.if, 'inputs.checkout');
  assert.match(action.uses!, /^sealbox\/sealbox@[0-9a-f]{40}$/);
  assert.equal(action.with!.mode, 'box', 'mode is a literal');
  assert.ok(!('mode' in inputs), 'no input can switch the mode');
  for (const [k, v] of Object.entries(action.with!)) {
    if (k === 'mode') continue;
    assert.equal(v, `\${{ inputs.${k} }}`, `${k} passes the caller's input through`);
    assert.ok(k in inputs, `${k} is declared`);
  }
  assert.ok(!('github-token' in action.with!), 'the job token, never another');
  assert.ok(!('allow-self-hosted-runners' in action.with!));
});

test('the pinned Action commit holds the Action (where the clone has history)', (t) => {
  const [job] = Object.values(box.jobs) as { steps: Step[] }[];
  const sha = job!.steps[1]!.uses!.split('@')[1]!;
  let files: string;
  try {
    files = execFileSync('git', ['-C', REPO_ROOT, 'ls-tree', '--name-only', '-r', sha], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    t.skip(`commit ${sha} is not in this clone (a shallow clone): nothing to check against`);
    return;
  }
  assert.match(files, /^action\.yml$/m);
  assert.match(files, /^dist\/index\.js$/m);
});

const templates = readdirSync(`${REPO_ROOT}examples/workflows`).filter(
  (f) => f.endsWith('.yml') && f !== 'default-branch-stub.yml',
);

test('templates call box.yml pinned, with a nonce box run can find and valid settings', () => {
  assert.deepEqual(templates.sort(), ['auction.yml', 'exec.yml', 'survey.yml', 'vote.yml']);
  for (const f of templates) {
    const w = read(`examples/workflows/${f}`);
    assert.match(w['run-name'], /\$\{\{ inputs\.nonce \}\}/, f);
    assert.ok(w.on.workflow_dispatch.inputs.nonce, f);
    assert.deepEqual(w.permissions, {}, f);
    const [job] = Object.values(w.jobs) as { uses: string; with: Record<string, unknown> }[];
    assert.match(job!.uses, /^sealbox\/sealbox\/\.github\/workflows\/box\.yml@[0-9a-f]{40}$/, f);
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
