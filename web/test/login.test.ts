// Keyless signing as a person, with a real browser: `envelope sign --keyless
// --oidc-interactive` prints the login address, Chromium opens it, picks an
// account and clicks the local stack's consent, and the CLI signs as
// alice@example.com. The page then verifies the envelope by that email and
// its issuer and shows both, and refuses the email without its issuer. A
// denied consent and a closed browser end the CLI with one line, exit 2.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sealbox } from '../../test/helpers/cli.ts';
import { writeUnsignedEnvelope } from '../../test/helpers/envelope.ts';
import { LOGIN_URL, personEnv, startSealbox } from '../../test/helpers/login.ts';
import { useStack } from '../../test/helpers/stack.ts';
import { developerMode, readVerdict, usePage } from './page.ts';

const stack = useStack();
const ctx = usePage();
let n = 0;

function signing(env: NodeJS.ProcessEnv = {}) {
  const input = writeUnsignedEnvelope(join(stack.dir, `login-${++n}.json`));
  const out = join(stack.dir, `login-${n}.signed.json`);
  const run = startSealbox(
    ['envelope', 'sign', input, '--keyless', '--oidc-interactive', '-o', out],
    personEnv(stack.stack, env),
  );
  return { run, out };
}

test('Chromium clicks consent; the envelope is signed as alice@example.com; the page shows the signer and issuer', async () => {
  const { run, out } = signing();
  const [, url] = await run.waitFor(LOGIN_URL);
  const login = await ctx.page.context().newPage();
  await login.goto(url!);
  await login.getByRole('radio', { name: 'GitHub' }).check();
  await login.getByLabel('Email address').fill('alice@example.com');
  await login.getByRole('button', { name: 'Allow' }).click();
  await login.getByRole('heading', { name: 'Logged in' }).waitFor();
  assert.match((await login.textContent('body')) ?? '', /sealbox is signing as alice@example\.com/);
  await login.close();
  const r = await run.done;
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(out));

  const cli = await sealbox([
    'envelope',
    'verify',
    out,
    '--cert-identity',
    'alice@example.com',
    '--cert-oidc-issuer',
    'https://github.com/login/oauth',
    '--trusted-root',
    stack.stack.trustedRootPath,
    '--format',
    'json',
  ]);
  assert.equal(cli.status, 0, cli.stdout + cli.stderr);

  const { page } = ctx;
  await developerMode(page, stack.stack.githubApiUrl, stack.stack.trustedRootPath);
  await page.goto(new URL('#envelope', ctx.url).href);
  await page.setInputFiles('input[name=envelope-file]', out);
  await page.fill('input[name=envelope-cert-identity]', 'alice@example.com');
  await page.fill('input[name=envelope-issuer]', 'https://github.com/login/oauth');
  await page.getByRole('button', { name: 'Verify the envelope' }).click();
  const seen = await readVerdict(page, 'envelope-out');
  assert.equal(seen.verdict, 'pass', JSON.stringify(seen));
  const facts = await page
    .locator('#envelope-out dl.facts')
    .evaluate((dl) =>
      Object.fromEntries(
        [...dl.querySelectorAll('dt')].map((dt) => [
          dt.textContent,
          dt.nextElementSibling?.textContent,
        ]),
      ),
    );
  assert.equal(facts.Signer, 'alice@example.com');
  assert.equal(facts.Issuer, 'https://github.com/login/oauth');
  await ctx.screenshot('envelope-signed-by-a-person');

  // The email without its issuer: refused in the page's words, as the CLI refuses it.
  await page.fill('input[name=envelope-issuer]', '');
  await page.getByRole('button', { name: 'Verify the envelope' }).click();
  const refused = await readVerdict(page, 'envelope-out');
  assert.equal(refused.verdict, 'error');
  assert.match(
    refused.error!.text,
    /is an email address: name the issuer it logged in through with “Issuer of that identity”/,
  );
  assert.deepEqual(ctx.offsite, []);
});

test('Deny on the consent page: the CLI ends with one line, exit 2, nothing written', async () => {
  const { run, out } = signing();
  const [, url] = await run.waitFor(LOGIN_URL);
  const login = await ctx.page.context().newPage();
  await login.goto(url!);
  await login.getByRole('button', { name: 'Deny' }).click();
  await login.getByRole('heading', { name: 'Login failed' }).waitFor();
  await login.close();
  const r = await run.done;
  assert.equal(r.status, 2);
  assert.match(r.stderr.trim().split('\n').at(-1)!, /the login was denied \(access_denied/);
  assert.equal(existsSync(out), false);
});

test('the browser closed on the consent page: no answer in time, exit 2, nothing written', async () => {
  const { run, out } = signing({ SEALBOX_LOGIN_TIMEOUT: '3' });
  const [, url] = await run.waitFor(LOGIN_URL);
  const login = await ctx.page.context().newPage();
  await login.goto(url!);
  await login.getByRole('button', { name: 'Allow' }).waitFor();
  await login.close();
  const r = await run.done;
  assert.equal(r.status, 2);
  assert.match(
    r.stderr.trim().split('\n').at(-1)!,
    /no answer from the browser within 3 s \(was it closed\?\); nothing signed$/,
  );
  assert.equal(existsSync(out), false);
});
