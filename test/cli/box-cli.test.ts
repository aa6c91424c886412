// Box commands as a user meets them, on the local stack: submit's one runner
// flag and --format json with the message on standard input, verify's hint
// when the root is not the stack's, and a box directory as a batch.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';
import { firstBoxIssue, hostBoxCli } from '../helpers/box.ts';

const ctx = useStack();

test('a box on a self-hosted runner: refused by submit and verify unless allowed; submit --format json from standard input; the wrong root hinted; the directory as a batch', async () => {
  const run = releasedBoxRun(ctx.stack, {
    runId: 4242,
    runnerEnvironment: 'self-hosted' as const,
  });
  const out = join(ctx.dir, 'box');
  const host = hostBoxCli(ctx.stack, run, [
    '--computation',
    'reveal',
    '--window',
    '10',
    '--suite',
    'x25519',
    '--allow-self-hosted-runners',
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

  const refused = await sealbox(
    ['box', 'submit', box, '-R', 'demo/sealbox', ...root, '--file', '-'],
    as('alice'),
    { input: 'hello', cwd: ctx.dir },
  );
  assert.equal(refused.status, 2, refused.stdout + refused.stderr);
  assertOneCleanLine(refused.stderr);
  assert.match(refused.stderr, /runner environment is self-hosted, expected github-hosted/);

  const receipt = join(ctx.dir, 'bob-receipt.json');
  const bob = await sealbox(
    [
      'box',
      'submit',
      box,
      '-R',
      'demo/sealbox',
      ...root,
      '--allow-self-hosted-runners',
      '--file',
      '-',
      '--receipt-out',
      receipt,
      '--format',
      'json',
    ],
    as('bob'),
    { input: 'a message from bob', cwd: ctx.dir },
  );
  assert.equal(bob.status, 0, bob.stderr);
  const doc = JSON.parse(bob.stdout);
  assert.equal(doc.ok, true);
  assert.equal(doc.box, box);
  assert.equal(doc.author, 'bob');
  assert.equal(doc.receipt_path, receipt);
  assert.equal(doc.receipt.comment_id, doc.comment_id);
  assert.doesNotMatch(bob.stdout + bob.stderr, /a message from bob/, 'the message is not printed');
  assert.equal(await host.done, 0, host.stderr());

  const strict = await sealbox([
    'box',
    'verify',
    out,
    '-R',
    'demo/sealbox',
    ...root,
    '--jq',
    '[.checks[] | select(.ok | not) | .name]',
  ]);
  assert.equal(strict.status, 1);
  assert.deepEqual(JSON.parse(strict.stdout), ['runner']);
  const allowed = await sealbox([
    'box',
    'verify',
    out,
    '-R',
    'demo/sealbox',
    '--custom-trusted-root',
    ctx.stack.trustedRootPath,
    '--allow-self-hosted-runners',
    '--receipt',
    receipt,
  ]);
  assert.equal(allowed.status, 0, allowed.stdout + allowed.stderr);

  // The public-good root (the default) does not trust the stack: say which root to give.
  const wrongRoot = await sealbox([
    'box',
    'verify',
    out,
    '-R',
    'demo/sealbox',
    '--allow-self-hosted-runners',
  ]);
  assert.equal(wrongRoot.status, 1);
  assert.match(wrongRoot.stdout, /^FAIL: box in .*: manifest\.json: /);
  assert.match(
    wrongRoot.stderr,
    /^hint: the certificates were issued by a local sealbox stack \(sealbox demo or dev up\), which the public-good root does not trust; add --trusted-root STATE\/trusted_root\.json/m,
  );
  const json = await sealbox([
    'box',
    'verify',
    out,
    '-R',
    'demo/sealbox',
    '--allow-self-hosted-runners',
    '--jq',
    '.notes[-1]',
  ]);
  assert.match(json.stdout, /^hint: the certificates were issued by a local sealbox stack/);
  // A bundle checked with `verify` gets the same hint.
  const one = await sealbox([
    'verify',
    join(out, 'manifest.json'),
    '-b',
    join(out, 'manifest.sigstore.json'),
    '--signer-repo',
    'sealbox/sealbox',
  ]);
  assert.equal(one.status, 1);
  assert.match(one.stderr, /hint: the certificates were issued by a local sealbox stack/);
  // Given the right root, no hint.
  assert.doesNotMatch(allowed.stderr, /hint:/);

  // The box's directory is a batch: manifest.json and result.json beside their bundles.
  const batch = await sealbox([
    'verify-batch',
    out,
    '-R',
    'demo/sealbox',
    '--signer-workflow',
    'sealbox/sealbox/.github/workflows/box.yml',
    ...root,
  ]);
  assert.equal(batch.status, 0, batch.stdout + batch.stderr);
  assert.match(batch.stdout, /^OK: manifest\.json\nOK: result\.json\n2 passed, 0 failed/);
});
