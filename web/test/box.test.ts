// A box on the local stack, end to end through the page: the page checks the
// open box and seals two bids (one copied into the issue by its author, one
// posted by the page with a pasted token), the box accepts both, the page
// verifies it green from its issue, shows the exact failing check for a
// tampered copy (the same as the CLI's), and finds a receipt counted.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { firstBoxIssue, hostBoxCli } from '../../test/helpers/box.ts';
import { BOX_FILES, hostComputation } from '../../test/helpers/box-files.ts';
import { sealbox } from '../../test/helpers/cli.ts';
import { useStack } from '../../test/helpers/stack.ts';
import { developerMode, readVerdict, usePage } from './page.ts';

const stack = useStack();
const ctx = usePage();
const REPO = 'demo/sealbox';
const FILES = ['manifest.json', 'manifest.sigstore.json', 'result.json', 'result.sigstore.json'];

function hostBox(out: string, runId = 8080, submissions = 2, extra: string[] = []) {
  const run = releasedBoxRun(stack.stack, {
    runId,
  });
  // Closes as soon as both bids are in; the window leaves room for a slow browser.
  return hostBoxCli(stack.stack, run, [
    '--computation',
    'auction',
    '--max-submissions',
    String(submissions),
    '--window',
    '90',
    '--out',
    out,
    ...extra,
  ]);
}

/** With a token: the page posts only once the reply key it offers is saved. */
async function postAfterSavingTheKey(path: string): Promise<void> {
  const { page } = ctx;
  await page.waitForSelector('#submit-seal-out [data-verdict=key]');
  const post = page.getByRole('button', { name: 'Post my submission' });
  assert.equal(await post.isDisabled(), true, 'no posting before the reply key is saved');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Save your reply key' }).click();
  await (await download).saveAs(path);
  await post.click();
  await page.waitForSelector('#submit-seal-out [data-verdict=posted]');
}

test('a box: submit in the page, verify green, a tampered copy red, a receipt counted', async () => {
  const { page } = ctx;
  const out = join(stack.dir, 'box');
  const host = hostBox(out);
  const issue = await firstBoxIssue(stack.stack, '', 8080);
  const box = `${REPO}#${issue}`;
  const aliceToken = stack.stack.github.tokenFor('alice');
  const bobToken = stack.stack.github.tokenFor('bob');

  await developerMode(page, stack.stack.githubApiUrl, stack.stack.trustedRootPath);
  await ctx.screenshot('settings-developer-mode');

  // Check the open box, then seal alice's bid for her to paste.
  await page.goto(new URL('#submit', ctx.url).href);
  assert.ok(await page.isVisible('#developer-banner'), 'developer mode shows on every screen');
  await page.fill('input[name=submit-address]', box);
  await page.press('input[name=submit-address]', 'Tab');
  assert.equal(
    await page.inputValue('input[name=submit-repo]'),
    REPO,
    'whose box: suggested from the address typed, in plain view',
  );
  await page.getByRole('button', { name: 'Check the box' }).click();
  const open = await readVerdict(page, 'submit-box-out');
  assert.equal(open.verdict, 'open', JSON.stringify(open));
  await page.fill('input[name=submit-login]', 'alice');
  await page.fill('textarea[name=submit-message]', '4100');
  await page.getByRole('button', { name: 'Seal my message' }).click();
  await page.waitForSelector('#submit-seal-out [data-verdict=sealed]');
  const comment = await page.inputValue('textarea[name=submit-comment]');
  assert.match(comment, /^-----BEGIN SEALBOX SUBMISSION-----\n/);
  assert.doesNotMatch(comment, /4100/);
  await ctx.screenshot('submit-sealed');
  // Alice pastes it into the issue, signed in as herself, once the box is open.
  const opensAt = await page.getAttribute('[data-opens-at]', 'data-opens-at');
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(opensAt!) - Date.now() + 200)));
  const alice = new Octokit({ auth: aliceToken, baseUrl: stack.stack.githubApiUrl });
  await alice.rest.issues.createComment({
    owner: 'demo',
    repo: 'sealbox',
    issue_number: issue,
    body: comment,
  });

  // Bob lets the page post for him with a token; he saves the receipt.
  await page.fill('textarea[name=submit-message]', '5200');
  await page.fill('input[name=submit-token]', bobToken);
  await page.getByRole('button', { name: 'Seal my message' }).click();
  await postAfterSavingTheKey(join(stack.dir, 'bob-reply-key.json'));
  assert.equal(await page.inputValue('input[name=submit-token]'), '', 'the token field is emptied');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Save your receipt' }).click();
  const receiptPath = join(stack.dir, 'bob-receipt.json');
  await (await download).saveAs(receiptPath);
  await ctx.screenshot('submit-posted');

  assert.equal(await host.done, 0, host.stderr());
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
  assert.equal(result.counts.accepted, 2, JSON.stringify(result.counts));
  assert.equal(result.output.winner.author_login, 'bob', JSON.stringify(result.output));

  // The box, from its issue: green, every check the CLI makes, with the same outcome.
  const root = ['--trusted-root', stack.stack.trustedRootPath];
  await page.goto(new URL('#box', ctx.url).href);
  await page.fill('input[name=box-repo]', REPO);
  await page.fill('input[name=box-address]', box);
  await page.setInputFiles('input[name=box-receipt]', receiptPath);
  await page.getByRole('button', { name: 'Verify the box' }).click();
  const green = await readVerdict(page, 'box-out');
  assert.equal(green.verdict, 'pass', JSON.stringify(green));
  assert.ok(green.checks.some((c) => c.name === 'receipt' && c.ok));
  await ctx.screenshot('box-verified');
  const cli = await sealbox(
    ['box', 'verify', box, '--repo', REPO, ...root, '--receipt', receiptPath, '--format', 'json'],
    { GITHUB_API_URL: stack.stack.githubApiUrl },
  );
  assert.equal(cli.status, 0, cli.stdout + cli.stderr);
  const cliChecks = (JSON.parse(cli.stdout).checks as { name: string; ok: boolean }[]).map(
    ({ name, ok }) => ({ name, ok }),
  );
  assert.deepEqual(green.checks, cliChecks);

  // The same box named by its run: the run check joins the others.
  await page.setInputFiles('input[name=box-receipt]', []);
  await page.fill(
    'input[name=box-address]',
    `${stack.stack.githubServerUrl}/${REPO}/actions/runs/8080`,
  );
  await page.getByRole('button', { name: 'Verify the box' }).click();
  const byRun = await readVerdict(page, 'box-out');
  assert.equal(byRun.verdict, 'pass', JSON.stringify(byRun));
  assert.ok(
    byRun.checks.some((c) => c.name === 'run' && c.ok),
    JSON.stringify(byRun.checks),
  );

  // A tampered copy of its files: the price changed in result.json.
  const tampered = join(stack.dir, 'tampered');
  cpSync(out, tampered, { recursive: true });
  const resultText = readFileSync(join(tampered, 'result.json'), 'utf8');
  const edited = resultText.replace(/"price":\s*"5200"/, '"price": "4101"');
  assert.notEqual(edited, resultText, 'the edit applies');
  writeFileSync(join(tampered, 'result.json'), edited);
  await page.fill('input[name=box-address]', '');
  // Dropped on the page, as a person drags them from a folder.
  const dropped = await page.evaluateHandle(
    (files) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([f.text], f.name, { type: 'application/json' }));
      return dt;
    },
    FILES.map((name) => ({ name, text: readFileSync(join(tampered, name), 'utf8') })),
  );
  await page.dispatchEvent('.drop', 'drop', { dataTransfer: dropped });
  assert.match((await page.textContent('.drop')) ?? '', /Dropped: manifest\.json/);
  await page.getByRole('button', { name: 'Verify the box' }).click();
  const red = await readVerdict(page, 'box-out');
  assert.equal(red.verdict, 'fail');
  const cliRed = await sealbox([
    'box',
    'verify',
    tampered,
    '--repo',
    REPO,
    ...root,
    '--format',
    'json',
  ]);
  assert.equal(cliRed.status, 1);
  const cliFailed = (
    JSON.parse(cliRed.stdout).checks as { name: string; ok: boolean; code: string }[]
  )
    .filter((c) => !c.ok)
    .map((c) => `${c.name} (${c.code})`);
  assert.deepEqual(
    red.failed.map((f) => `${f.name} (${/\(([A-Z_]+)\)/.exec(f.outcome)?.[1]})`),
    cliFailed,
  );
  assert.equal(
    red.failed[0]!.name,
    'result_bundle',
    'the edited result no longer matches its attestation',
  );
  assert.match(
    (await page.textContent('#box-out h2')) ?? '',
    /FAILED.*result_bundle failed/,
    'the headline names the failing check',
  );
  const shown = (await page.textContent('#box-out')) ?? '';
  assert.ok(!shown.includes('4101'), 'a result that did not verify is not shown');
  assert.match(shown, /The result is not shown: it did not verify/);
  await ctx.screenshot('box-tampered');

  // Nothing secret stayed behind: no storage, the bids and tokens in no console line.
  const stored = await page.evaluate(() => localStorage.length + sessionStorage.length);
  assert.equal(stored, 0);
  const logged = ctx.console.join('\n');
  for (const secret of [aliceToken, bobToken, '4100'])
    assert.ok(!logged.includes(secret), 'a secret reached the console');
  assert.deepEqual(ctx.offsite, [], 'the page asked for nothing outside 127.0.0.1');
});

test('the X25519 suite: a box sealed to in the page accepts the submission', async () => {
  const { page } = ctx;
  const out = join(stack.dir, 'box-x25519');
  const host = hostBox(out, 8081, 1, ['--suite', 'x25519']);
  const issue = await firstBoxIssue(stack.stack, '', 8081);
  await developerMode(page, stack.stack.githubApiUrl, stack.stack.trustedRootPath);
  await page.goto(new URL('#submit', ctx.url).href);
  await page.fill('input[name=submit-address]', `${REPO}#${issue}`);
  await page.fill('input[name=submit-repo]', REPO);
  await page.getByRole('button', { name: 'Check the box' }).click();
  assert.equal((await readVerdict(page, 'submit-box-out')).verdict, 'open');
  assert.match((await page.textContent('#submit-box-out')) ?? '', /x25519/);
  await page.fill('textarea[name=submit-message]', '77');
  await page.fill('input[name=submit-token]', stack.stack.github.tokenFor('carol'));
  await page.getByRole('button', { name: 'Seal my message' }).click();
  await postAfterSavingTheKey(join(stack.dir, 'carol-reply-key.json'));
  assert.equal(await host.done, 0, host.stderr());
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
  assert.equal(result.counts.accepted, 1, JSON.stringify(result.counts));
  assert.equal(result.output.winner.author_login, 'carol');
});

test('a box of a branch of sealbox: the page fails release as the CLI does; the developer switch accepts it, with a warning', async () => {
  const { page } = ctx;
  const files = await hostComputation(
    stack.stack,
    join(stack.dir, 'branch-box'),
    { name: 'reveal', parameters: {} },
    ['hello', 'world'],
    4343,
    {
      jobWorkflowRef: 'sealbox/sealbox/.github/workflows/box.yml@refs/heads/feature',
      jobWorkflowSha: 'e'.repeat(40),
    },
  );
  const verifyInPage = async () => {
    await page.goto(new URL('#box', ctx.url).href);
    await page.fill('input[name=box-repo]', REPO);
    await page.setInputFiles(
      'input[name=box-files]',
      BOX_FILES.map((f) => join(files.dir, f)),
    );
    await page.getByRole('button', { name: 'Verify the box' }).click();
    return readVerdict(page, 'box-out');
  };
  await developerMode(page, stack.stack.githubApiUrl, stack.stack.trustedRootPath);
  const red = await verifyInPage();
  assert.equal(red.verdict, 'fail', JSON.stringify(red));
  assert.deepEqual(
    red.failed.map((f) => f.name),
    ['release'],
  );
  assert.match(red.failed[0]!.outcome, /UNRELEASED/);
  const cli = await sealbox([
    'box',
    'verify',
    files.dir,
    '--repo',
    REPO,
    '--trusted-root',
    stack.stack.trustedRootPath,
    '--format',
    'json',
  ]);
  assert.equal(cli.status, 1);
  assert.deepEqual(
    (JSON.parse(cli.stdout).checks as { name: string; ok: boolean }[])
      .filter((c) => !c.ok)
      .map((c) => c.name),
    ['release'],
  );
  await developerMode(page, stack.stack.githubApiUrl, stack.stack.trustedRootPath, {
    allowUnreleased: true,
  });
  const allowed = await verifyInPage();
  assert.equal(allowed.verdict, 'pass', JSON.stringify(allowed));
  assert.match(
    (await page.textContent('#box-out')) ?? '',
    /unreleased box workflows are accepted \(developer mode\)/,
  );
  assert.ok(await page.isVisible('#developer-banner'));
  // The stack's own release, without its release list: a release this page does not know.
  await developerMode(page, stack.stack.githubApiUrl, stack.stack.trustedRootPath);
  await page.setInputFiles('input[name=settings-releases]', []);
  await page.getByRole('button', { name: 'Turn developer mode on' }).click();
  await page.waitForSelector('[data-mode=developer]');
  const released = await hostComputation(
    stack.stack,
    join(stack.dir, 'released-box'),
    { name: 'reveal', parameters: {} },
    ['hello', 'world'],
    4344,
  );
  await page.goto(new URL('#box', ctx.url).href);
  await page.fill('input[name=box-repo]', REPO);
  await page.setInputFiles(
    'input[name=box-files]',
    BOX_FILES.map((f) => join(released.dir, f)),
  );
  await page.getByRole('button', { name: 'Verify the box' }).click();
  const unknown = await readVerdict(page, 'box-out');
  assert.deepEqual(
    unknown.failed.map((f) => f.name),
    ['release'],
  );
  assert.match(unknown.failed[0]!.outcome, /UNKNOWN_RELEASE/);
});
