// `box host` in a simulated job and `box submit` from participants' shells,
// over the local GitHub-compatible API, then `box verify` with a receipt.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_RUN } from '../../src/devstack/identity.ts';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';
import { firstBoxIssue, hostBoxCli } from '../helpers/box.ts';

const ctx = useStack();

test('host, submit (with a receipt), print, refusals, verify', async () => {
  const run = releasedBoxRun(ctx.stack, {
    runId: 3131,
  });
  const out = join(ctx.dir, 'box');
  const host = hostBoxCli(ctx.stack, run, [
    '--computation',
    'auction',
    '--parameters',
    '{"reveal_bids": true}',
    // Room for four CLI processes to start one after another on a loaded machine.
    '--window',
    '10',
    '--suite',
    'x25519',
    '--out',
    out,
  ]);
  const issue = await firstBoxIssue(ctx.stack, host.stderr());
  const box = `demo/sealbox#${issue}`;
  const root = ['--trusted-root', ctx.stack.trustedRootPath];
  const as = (login: string) => ({
    GITHUB_TOKEN: ctx.stack.github.tokenFor(login),
    GITHUB_API_URL: ctx.stack.githubApiUrl,
  });
  const bid = (name: string, amount: string) => {
    const f = join(ctx.dir, `${name}.txt`);
    writeFileSync(f, amount);
    return f;
  };
  const submit = (login: string, amount: string, extra: string[] = [], repo = 'demo/sealbox') =>
    sealbox(
      ['box', 'submit', box, '--repo', repo, ...root, '--file', bid(login, amount), ...extra],
      as(login),
      { cwd: ctx.dir },
    );
  const receipt = join(ctx.dir, 'alice-receipt.json');
  const alice = await submit('alice', '123457', ['--receipt-out', receipt]);
  assert.equal(alice.status, 0, alice.stderr);
  const bob = await submit('bob', '987651', ['--receipt-out', join(ctx.dir, 'bob.json')]);
  assert.equal(bob.status, 0, bob.stderr);
  const printed = await submit('carol', '90', ['--print']);
  assert.equal(printed.status, 0);
  assert.match(printed.stdout, /^-----BEGIN SEALBOX SUBMISSION-----\n/);
  const foreign = await submit('dave', '1', [], 'other/repo');
  assert.equal(foreign.status, 2);
  assertOneCleanLine(foreign.stderr);
  assert.match(foreign.stderr, /does not satisfy your policy/);
  assert.equal(await host.done, 0, host.stderr());
  const late = await submit('erin', '1');
  assert.equal(late.status, 2);
  assert.match(late.stderr, /the box closed at/);
  // The bids themselves (not a pattern they do not contain).
  assert.doesNotMatch(
    alice.stdout + alice.stderr + bob.stdout + bob.stderr + host.stderr(),
    /123457|987651/,
    'no plaintext bid in any log',
  );

  const v = await sealbox([
    'box',
    'verify',
    out,
    '--repo',
    'demo/sealbox',
    ...root,
    '--receipt',
    receipt,
    '--format',
    'json',
  ]);
  assert.equal(v.status, 0, v.stdout);
  const result = JSON.parse(v.stdout);
  assert.ok(result.checks.some((c: { name: string; ok: boolean }) => c.name === 'receipt' && c.ok));
  assert.equal(result.output.winner.author_login, 'bob');
  assert.equal(result.output.price, '987651', 'first price by default');
  // The same box, read from its issue.
  const fromIssue = await sealbox(['box', 'verify', box, '--repo', 'demo/sealbox', ...root], {
    GITHUB_API_URL: ctx.stack.githubApiUrl,
  });
  assert.equal(fromIssue.status, 0, fromIssue.stdout + fromIssue.stderr);
  const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
  assert.equal(r.counts.accepted, 2, 'carol printed only; nothing was posted for her');
});

test('box host refuses a self-hosted runner', async () => {
  const run = { ...DEFAULT_RUN, runnerEnvironment: 'self-hosted' as const };
  const r = await sealbox(
    ['box', 'host', '--computation', 'reveal', '--window', '1'],
    ctx.stack.env(run),
  );
  assert.equal(r.status, 2);
  assertOneCleanLine(r.stderr);
  assert.match(r.stderr, /refusing to run a box on a self-hosted runner/);
});
