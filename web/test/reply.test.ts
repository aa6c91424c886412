// Private replies in the page, on the local stack: the page offers the reply
// key as a file before anything is posted, then, given that file under
// "Verify a box", opens the box's reply in memory (the same checks and text
// as `sealbox box reply`), and offers the reply document, which the CLI
// accepts as a proof; a key ceremony's result is drawn, and a recipient's
// share is checked in the page. Nothing secret is stored or logged.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { firstBoxIssue, hostBoxCli } from '../../test/helpers/box.ts';
import { sealbox } from '../../test/helpers/cli.ts';
import { useStack } from '../../test/helpers/stack.ts';
import { developerMode, readVerdict, usePage } from './page.ts';

const stack = useStack();
const ctx = usePage();
const REPO = 'demo/sealbox';

function host(out: string, runId: number, args: string[]) {
  const run = releasedBoxRun(stack.stack, {
    runId,
  });
  return hostBoxCli(stack.stack, run, [
    '--window',
    '90',
    '--suite',
    'x25519',
    '--out',
    out,
    ...args,
  ]);
}

async function checkBox(address: string) {
  const { page } = ctx;
  await page.goto(new URL('#submit', ctx.url).href);
  await page.fill('input[name=submit-address]', address);
  await page.press('input[name=submit-address]', 'Tab'); // suggests whose box it is
  assert.equal(await page.inputValue('input[name=submit-repo]'), REPO);
  await page.getByRole('button', { name: 'Check the box' }).click();
  const v = await readVerdict(page, 'submit-box-out');
  assert.equal(v.verdict, 'open', (await page.textContent('#submit-box-out')) ?? '');
}

/** Verifies the box in the page with a reply key chosen; returns the reply section's text. */
async function openReply(address: string, keyPath: string) {
  const { page } = ctx;
  await page.goto(new URL('#box', ctx.url).href);
  await page.fill('input[name=box-address]', address);
  await page.press('input[name=box-address]', 'Tab');
  if ((await page.inputValue('input[name=box-repo]')) !== REPO)
    await page.fill('input[name=box-repo]', REPO);
  await page.setInputFiles('input[name=box-receipt]', []);
  await page.setInputFiles('input[name=box-reply-key]', keyPath);
  await page.getByRole('button', { name: 'Verify the box' }).click();
  await page.waitForSelector('#box-out [data-reply]');
  const state = await page.getAttribute('#box-out [data-reply]', 'data-reply');
  const message = (await page.textContent('#box-out .reply-message')) ?? '';
  const checks = await page.$$eval('#box-out .reply [data-check]', (rows) =>
    rows.map((r) => ({
      name: r.getAttribute('data-check'),
      ok: r.getAttribute('data-ok') === 'true',
    })),
  );
  return { state, message, checks };
}

test('an auction: reply keys saved before posting, replies opened in the page, a reply document the CLI accepts', async () => {
  const { page } = ctx;
  const out = join(stack.dir, 'auction');
  const hosted = host(out, 9090, ['--computation', 'auction', '--max-submissions', '2']);
  const issue = await firstBoxIssue(stack.stack, '', 9090);
  const box = `${REPO}#${issue}`;
  const aliceToken = stack.stack.github.tokenFor('alice'); // alice has an account from now on
  await developerMode(page, stack.stack.githubApiUrl, stack.stack.trustedRootPath);
  await checkBox(box);

  // alice seals to paste: the comment and her reply key, offered together.
  await page.fill('input[name=submit-login]', 'alice');
  await page.fill('textarea[name=submit-message]', '610');
  await page.fill('input[name=submit-token]', '');
  await page.getByRole('button', { name: 'Seal my message' }).click();
  await page.waitForSelector('#submit-seal-out :is([data-verdict=sealed], .error)');
  assert.equal(
    await page.getAttribute('#submit-seal-out > *', 'data-verdict'),
    'sealed',
    (await page.textContent('#submit-seal-out')) ?? '',
  );
  assert.match(
    (await page.textContent('#submit-seal-out')) ?? '',
    /Save your reply key before you post/,
  );
  const aliceKey = join(stack.dir, 'alice-key.json');
  const saved = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Save your reply key' }).click();
  await (await saved).saveAs(aliceKey);
  const keyFile = JSON.parse(readFileSync(aliceKey, 'utf8'));
  assert.equal(keyFile.version, 'sealbox-reply-key/v1.1');
  assert.equal(keyFile.box, box);
  const comment = await page.inputValue('textarea[name=submit-comment]');
  const opensAt = await page.getAttribute('[data-opens-at]', 'data-opens-at');
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(opensAt!) - Date.now() + 200)));
  await new Octokit({
    auth: aliceToken,
    baseUrl: stack.stack.githubApiUrl,
  }).rest.issues.createComment({
    owner: 'demo',
    repo: 'sealbox',
    issue_number: issue,
    body: comment,
  });

  // bob lets the page post, which it does only after he saved his key.
  const bobToken = stack.stack.github.tokenFor('bob');
  await page.fill('textarea[name=submit-message]', '720');
  await page.fill('input[name=submit-token]', bobToken);
  await page.getByRole('button', { name: 'Seal my message' }).click();
  await page.waitForSelector('#submit-seal-out [data-verdict=key]');
  const post = page.getByRole('button', { name: 'Post my submission' });
  assert.equal(await post.isDisabled(), true);
  const bobKey = join(stack.dir, 'bob-key.json');
  const bobSaved = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Save your reply key' }).click();
  await (await bobSaved).saveAs(bobKey);
  await post.click();
  await page.waitForSelector('#submit-seal-out [data-verdict=posted]');
  await ctx.screenshot('submit-reply-key');
  assert.equal(await hosted.done, 0, hosted.stderr());

  // Each opens their own reply in the page; the CLI, given the same key, says the same.
  const alice = await openReply(box, aliceKey);
  assert.equal(alice.state, 'opened');
  assert.deepEqual(JSON.parse(alice.message), { won: false, price: null });
  const bob = await openReply(box, bobKey);
  assert.deepEqual(JSON.parse(bob.message), { won: true, price: '720' });
  assert.deepEqual(bob.checks, [{ name: 'reply', ok: true }]);
  await ctx.screenshot('box-reply');
  const env = { GITHUB_API_URL: stack.stack.githubApiUrl };
  const root = ['--trusted-root', stack.stack.trustedRootPath];
  const cli = await sealbox(
    ['box', 'reply', box, '-R', REPO, ...root, '--reply-key', bobKey, '--format', 'json'],
    env,
  );
  assert.equal(cli.status, 0, cli.stdout + cli.stderr);
  assert.equal(JSON.parse(cli.stdout).message, bob.message);

  // The reply document the page offers is a proof box verify accepts.
  const docPath = join(stack.dir, 'bob-reply.json');
  const doc = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Save the reply document' }).click();
  await (await doc).saveAs(docPath);
  const proof = await sealbox(
    ['box', 'verify', box, '-R', REPO, ...root, '--reply-proof', docPath],
    env,
  );
  assert.equal(proof.status, 0, proof.stdout + proof.stderr);
  assert.match(proof.stdout, /ok {3}reply_proof/);

  const stored = await page.evaluate(() => localStorage.length + sessionStorage.length);
  assert.equal(stored, 0);
  const logged = ctx.console.join('\n');
  for (const secret of [
    keyFile.seed,
    JSON.parse(readFileSync(bobKey, 'utf8')).seed,
    bobToken,
    '610',
  ])
    assert.ok(!logged.includes(secret), 'a secret reached the console');
  assert.deepEqual(ctx.offsite, []);
});

test('a key ceremony: the result drawn, a recipient’s share checked in the page', async () => {
  const { page } = ctx;
  const out = join(stack.dir, 'ceremony');
  const hosted = host(out, 9091, [
    '--computation',
    'ceremony',
    '--parameters',
    '{"threshold":2}',
    '--max-submissions',
    '2',
  ]);
  const issue = await firstBoxIssue(stack.stack, '', 9091);
  const box = `${REPO}#${issue}`;
  await developerMode(page, stack.stack.githubApiUrl, stack.stack.trustedRootPath);
  const keys: string[] = [];
  for (const who of ['dave', 'erin']) {
    await checkBox(box);
    await page.fill('textarea[name=submit-message]', 'ready');
    await page.fill('input[name=submit-token]', stack.stack.github.tokenFor(who));
    await page.getByRole('button', { name: 'Seal my message' }).click();
    await page.waitForSelector('#submit-seal-out [data-verdict=key]');
    const path = join(stack.dir, `${who}-key.json`);
    const saved = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Save your reply key' }).click();
    await (await saved).saveAs(path);
    await page.getByRole('button', { name: 'Post my submission' }).click();
    await page.waitForSelector('#submit-seal-out [data-verdict=posted]');
    keys.push(path);
  }
  assert.equal(await hosted.done, 0, hosted.stderr());
  const erin = await openReply(box, keys[1]!);
  assert.equal(erin.state, 'opened');
  assert.deepEqual(erin.checks, [
    { name: 'reply', ok: true },
    { name: 'share', ok: true },
  ]);
  const shown = (await page.textContent('#box-out')) ?? '';
  assert.match(shown, /A P-256 key made in the box: any 2 of its 2 shares recombine it/);
  assert.match(shown, /Your share of the box’s key: share 2 of 2/);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
  assert.equal(
    (await page.textContent('#box-out [data-public-key]'))?.trim(),
    result.output.public_key.pem.trim(),
  );
  await ctx.screenshot('box-ceremony');
});
