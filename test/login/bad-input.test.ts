// A login that goes wrong ends the command with one line and exit 2, and
// nothing written: a denied consent (browser and device), an expired device
// code, an answer carrying another state, a code injected from another
// login (PKCE), a token from another issuer, a browser closed (no answer in
// time), and the combinations refused before anyone is asked to log in.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { randomValue, s256Challenge } from '../../src/node/login/oauth.ts';
import { type CliResult, sealbox } from '../helpers/cli.ts';
import { writeUnsignedEnvelope } from '../helpers/envelope.ts';
import {
  DEVICE_PROMPT,
  LOGIN_URL,
  approveDevice,
  consent,
  personEnv,
  startSealbox,
} from '../helpers/login.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
let n = 0;

/** Starts `envelope sign --keyless` with the login flags; the signed file must never appear. */
function signing(flags: string[], env: NodeJS.ProcessEnv = {}) {
  const input = writeUnsignedEnvelope(join(ctx.dir, `in-${++n}.json`));
  const out = join(ctx.dir, `out-${n}.json`);
  const run = startSealbox(
    ['envelope', 'sign', input, '--keyless', '-o', out, ...flags],
    personEnv(ctx.stack, env),
  );
  return { run, out };
}

/** Exit 2, the prompt lines then one error line, no stack trace, nothing written. */
function assertRefused(r: CliResult, out: string, reason: RegExp): void {
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines.at(-1)!, /^sealbox: login at http:\/\/127\.0\.0\.1:\d+\/login: /);
  assert.match(lines.at(-1)!, reason);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(r.stdout, '');
  assert.equal(existsSync(out), false, 'nothing written');
}

test('denied consent in the browser', async () => {
  const { run, out } = signing(['--oidc-interactive']);
  const [, url] = await run.waitFor(LOGIN_URL);
  const page = await fetch(await consent(url!, 'deny'));
  assert.equal(page.status, 400);
  assertRefused(await run.done, out, /the login was denied \(access_denied: .*\); nothing signed$/);
});

test('denied on the device page', async () => {
  const { run, out } = signing(['--oidc-device-flow']);
  const [, page, code] = await run.waitFor(DEVICE_PROMPT);
  await approveDevice(page!, code!, 'deny');
  assertRefused(await run.done, out, /the login was denied \(access_denied/);
});

test('an expired device code', async () => {
  ctx.stack.login.deviceCodeLifetime = 2;
  try {
    const { run, out } = signing(['--oidc-device-flow']);
    await run.waitFor(DEVICE_PROMPT);
    assertRefused(
      await run.done,
      out,
      /the device code expired before the login was approved \(expired_token/,
    );
  } finally {
    ctx.stack.login.deviceCodeLifetime = 600;
  }
});

test("an answer carrying another state than the login's (forged or stale) ends the login", async () => {
  const { run, out } = signing(['--oidc-interactive']);
  const [, url] = await run.waitFor(LOGIN_URL);
  const back = new URL(await consent(url!, 'allow'));
  back.searchParams.set('state', randomValue());
  const page = await fetch(back);
  assert.equal(page.status, 400);
  assertRefused(await run.done, out, /carries another state than this login's request/);
});

test('a code from another login, injected with the right state, fails PKCE at the token endpoint', async () => {
  const { run, out } = signing(['--oidc-interactive']);
  const [, url] = await run.waitFor(LOGIN_URL);
  const asked = new URL(url!);
  // The attacker's own login, sent to the victim's redirect, with the attacker's verifier.
  const attack = new URL(asked);
  attack.searchParams.set('code_challenge', s256Challenge(randomValue()));
  attack.searchParams.set('state', 'attacker');
  const injected = new URL(await consent(attack.href, 'allow', { email: 'mallory@example.com' }));
  injected.searchParams.set('state', asked.searchParams.get('state')!);
  assert.equal((await fetch(injected)).status, 400);
  assertRefused(
    await run.done,
    out,
    /the issuer refused the code \(invalid_grant: the code_verifier does not match the code_challenge \(PKCE\)\); nothing signed$/,
  );
});

test('a token from another issuer is refused before Fulcio sees it', async () => {
  ctx.stack.login.faults.foreignIssuer = true;
  try {
    const { run, out } = signing(['--oidc-interactive']);
    const [, url] = await run.waitFor(LOGIN_URL);
    await fetch(await consent(url!, 'allow'));
    assertRefused(
      await run.done,
      out,
      /the ID token is from https:\/\/token\.actions\.githubusercontent\.com, not from https:\/\/oauth2\.sealbox\.local\/auth; nothing signed$/,
    );
  } finally {
    ctx.stack.login.faults.foreignIssuer = false;
  }
});

test('a browser closed before answering: no answer within the time allowed', async () => {
  const { run, out } = signing(['--oidc-interactive'], { SEALBOX_LOGIN_TIMEOUT: '2' });
  const [, url] = await run.waitFor(LOGIN_URL);
  // The consent page is shown, and the browser goes away without a choice.
  assert.equal((await fetch(url!)).status, 200);
  assertRefused(
    await run.done,
    out,
    /no answer from the browser within 2 s \(was it closed\?\); nothing signed$/,
  );
});

test('refused before any login: no person, a token with a login flag, provenance for a person', async () => {
  const input = writeUnsignedEnvelope(join(ctx.dir, 'early.json'));
  const env = personEnv(ctx.stack);
  const issued = ctx.stack.login.issued.length;
  const cases: [string[], RegExp][] = [
    // No terminal, no flag, no token: a line naming every way to get one.
    [
      ['envelope', 'sign', input, '--keyless'],
      /no identity token: .* or log in: --oidc-interactive \(a browser\) or --oidc-device-flow/,
    ],
    [
      ['envelope', 'sign', input, '--keyless', '--identity-token', 'x', '--oidc-interactive'],
      /--identity-token and --oidc-interactive cannot be combined/,
    ],
    [
      ['envelope', 'sign', input, '--dev-key', 'k.pem', '--oidc-device-flow'],
      /--dev-key signs with a key/,
    ],
    [
      ['attest', input, '--oidc-interactive'],
      /signing as a person \(a login\), give --predicate-type and --predicate/,
    ],
    [
      [
        'envelope',
        'sign',
        input,
        '--keyless',
        '--oidc-interactive',
        '--oidc-issuer',
        'http://example.com/auth',
      ],
      /--oidc-issuer http:\/\/example\.com\/auth: give an https URL \(http only to this machine\)/,
    ],
  ];
  for (const [args, reason] of cases) {
    const r = await sealbox(args, env);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^sealbox: [^\n]*\n$/, `${args.join(' ')}: one line`);
    assert.match(r.stderr, reason);
  }
  assert.equal(ctx.stack.login.issued.length, issued, 'nobody was asked to log in');
  assert.equal(existsSync(join(ctx.dir, 'early.signed.json')), false);
});
