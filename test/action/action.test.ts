// The Action as GitHub runs it: action.yml declares what src/action reads and
// sets; dist/index.js is one self-contained file that works copied anywhere
// (no node_modules beside it), in attest and envelope-sign modes, on the
// local stack; failures are one ::error:: line.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseOutputFile } from '../../src/devstack/runner.ts';
import { REPO_ROOT, sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';
import { writeUnsignedEnvelope } from '../helpers/envelope.ts';

const ctx = useStack();
const action = parse(readFileSync(`${REPO_ROOT}action.yml`, 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
};
const source = readFileSync(`${REPO_ROOT}src/action/run.ts`, 'utf8');
const used = (re: RegExp) => new Set([...source.matchAll(re)].map((m) => m[1]!));

test('action.yml declares exactly the inputs and outputs the code uses, on node24', () => {
  assert.equal(action.runs.using, 'node24');
  assert.equal(action.runs.main, 'dist/index.js');
  const inputs = new Set([
    ...used(/io\.input\('([a-z-]+)'\)/g),
    ...used(/(?:required|bool)\(io, '([a-z-]+)'/g),
  ]);
  assert.deepEqual([...inputs].sort(), Object.keys(action.inputs).sort());
  const outputs = used(/io\.output\('([a-z-]+)'/g);
  assert.deepEqual([...outputs].sort(), Object.keys(action.outputs).sort());
  for (const [name, spec] of Object.entries(action.inputs))
    assert.ok(spec.required || spec.default !== undefined, `input ${name} has a default`);
});

/** dist/index.js alone in an empty directory, as a runner would run it. */
async function runAlone(env: Record<string, string>) {
  const dir = join(ctx.dir, `alone-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  copyFileSync(`${REPO_ROOT}dist/index.js`, join(dir, 'index.js'));
  const output = join(dir, 'output');
  const summary = join(dir, 'summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  // Asynchronous: the stack answering the Action lives in this process.
  const child = spawn(process.execPath, [join(dir, 'index.js')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: dir,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const status = await new Promise<number | null>((r) => child.on('close', r));
  return {
    status,
    stdout,
    stderr,
    dir,
    outputs: parseOutputFile(readFileSync(output, 'utf8')),
    summary: readFileSync(summary, 'utf8'),
  };
}

test('the bundle alone: a bad input is one ::error:: line, no stack trace', async () => {
  const r = await runAlone({
    INPUT_MODE: 'box',
    INPUT_COMPUTATION: 'auction',
    INPUT_WINDOW: '600',
  });
  assert.equal(r.status, 1);
  assert.equal(
    r.stdout.trim(),
    '::error::a box runs inside the job: GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_RUN_ID, GITHUB_SHA not set',
  );
  assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /);
  const bad = await runAlone({ INPUT_MODE: 'nope' });
  assert.match(bad.stdout, /^::error::input mode: nope: give box, attest, envelope-sign$/m);
});

test('the bundle alone, attest mode: a bundle that verifies, stored, and its outputs', async () => {
  const env = ctx.stack.env();
  const file = join(ctx.dir, 'artifact.txt');
  writeFileSync(file, 'attested by the Action');
  const r = await runAlone({
    ...env,
    INPUT_MODE: 'attest',
    'INPUT_SUBJECT-PATH': `${file}\n`,
    'INPUT_GITHUB-TOKEN': env.GITHUB_TOKEN!,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.outputs['bundle-path'], `${file}.sigstore.json`);
  assert.match(r.outputs['attestation-id']!, /^\d+$/);
  assert.match(r.summary, /## sealbox attest/);
  const v = await sealbox([
    'verify',
    file,
    '--bundle',
    r.outputs['bundle-path']!,
    '--repo',
    env.GITHUB_REPOSITORY!,
    '--trusted-root',
    ctx.stack.trustedRootPath,
  ]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
});

test('the bundle alone, envelope-sign mode: a keyless signed envelope that verifies', async () => {
  const env = ctx.stack.env();
  const envelope = writeUnsignedEnvelope(join(ctx.dir, 'result.json'));
  const r = await runAlone({
    ...env,
    INPUT_MODE: 'envelope-sign',
    'INPUT_ENVELOPE-PATH': envelope,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.outputs['envelope-path'], join(ctx.dir, 'result.signed.json'));
  const v = await sealbox([
    'envelope',
    'verify',
    r.outputs['envelope-path']!,
    '--repo',
    env.GITHUB_REPOSITORY!,
    '--trusted-root',
    ctx.stack.trustedRootPath,
  ]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
});

test("README's tables of the Action's inputs and outputs are generated from action.yml", () => {
  const r = spawnSync(process.execPath, [`${REPO_ROOT}scripts/action-docs.js`, '--check'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
});
