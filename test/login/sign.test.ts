// Keyless signing from a person's machine, end to end on the local stack:
// `envelope sign --keyless`, `attest` and `sign-bundle` log in (the device
// flow with a test acting as the person, the browser flow with a test acting
// as the browser), sign as alice@example.com, and the results verify under
// `--cert-identity EMAIL --cert-oidc-issuer UPSTREAM`. The ID token reaches
// no file and no output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseClaims } from '../../src/policy/claims.ts';
import { assertOneCleanLine, REPO_ROOT, sealbox } from '../helpers/cli.ts';
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
const GITHUB_LOGIN = 'https://github.com/login/oauth';

/** Every file under `dir`, read as bytes and searched for `needle`. */
function filesHolding(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (readFileSync(path).includes(needle)) found.push(path);
  }
  return found;
}

/** A person's home, cache and temporary folders, all under one scratch directory. */
function home(name: string): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = join(ctx.dir, name);
  for (const sub of ['cache', 'config', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  return {
    dir,
    env: {
      HOME: dir,
      XDG_CACHE_HOME: join(dir, 'cache'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      TMPDIR: join(dir, 'tmp'),
      NODE_COMPILE_CACHE: join(dir, 'cache', 'node'),
    },
  };
}

function assertTokenNowhere(token: string, dir: string, output: string[]): void {
  // The whole token, and its signature alone (a token cut or re-encoded would still carry it).
  const signature = token.split('.')[2]!;
  // Control: the search finds a token where one is.
  const control = join(ctx.dir, 'control');
  mkdirSync(control, { recursive: true });
  writeFileSync(join(control, 'leak.log'), `token=${token}\n`);
  assert.equal(filesHolding(control, signature).length, 1);
  for (const needle of [token, signature]) {
    assert.deepEqual(filesHolding(dir, needle), [], 'no file holds the token');
    for (const text of output) assert.ok(!text.includes(needle), 'no output holds the token');
  }
}

test('envelope sign --keyless --oidc-device-flow: signed as alice@example.com, verified by email and issuer; the token stays in memory', async () => {
  const person = home('device-home');
  const envelope = writeUnsignedEnvelope(join(person.dir, 'result.json'));
  const issuedBefore = ctx.stack.login.issued.length;
  const run = startSealbox(
    ['envelope', 'sign', envelope, '--keyless', '--oidc-device-flow'],
    personEnv(ctx.stack, person.env),
    { cwd: person.dir },
  );
  const [, page, code] = await run.waitFor(DEVICE_PROMPT);
  assert.equal(page, `${ctx.stack.loginUrl}/device`);
  assert.equal((await approveDevice(page!, code!, 'allow')).status, 200);
  const r = await run.done;
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /logged in as alice@example\.com \(through https:\/\/github\.com\/login\/oauth\)/,
  );
  const signed = join(person.dir, 'result.signed.json');
  assert.ok(existsSync(signed));
  assert.equal(ctx.stack.login.issued.length, issuedBefore + 1);
  assertTokenNowhere(ctx.stack.login.issued.at(-1)!, person.dir, [r.stdout, r.stderr]);

  const root = ['--trusted-root', ctx.stack.trustedRootPath];
  const ok = await sealbox([
    'envelope',
    'verify',
    signed,
    '--cert-identity',
    'alice@example.com',
    '--cert-oidc-issuer',
    GITHUB_LOGIN,
    ...root,
    '--format',
    'json',
  ]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const verdict = JSON.parse(ok.stdout);
  assert.equal(verdict.signer_identity, 'alice@example.com');
  assert.equal(verdict.signer_issuer, GITHUB_LOGIN);
  const text = await sealbox([
    'envelope',
    'verify',
    signed,
    '--cert-identity',
    'alice@example.com',
    '--cert-oidc-issuer',
    GITHUB_LOGIN,
    ...root,
  ]);
  assert.match(text.stdout, /^signer_identity: alice@example\.com$/m);
  assert.match(text.stdout, /^signer_issuer: https:\/\/github\.com\/login\/oauth$/m);

  // The GitHub Actions default never applies to an email: refused, not failed.
  const noIssuer = await sealbox([
    'envelope',
    'verify',
    signed,
    '--cert-identity',
    'alice@example.com',
    ...root,
  ]);
  assert.equal(noIssuer.status, 2);
  assertOneCleanLine(noIssuer.stderr);
  assert.match(noIssuer.stderr, /is an email address: name the issuer .* with --cert-oidc-issuer/);
  const otherIssuer = await sealbox([
    'envelope',
    'verify',
    signed,
    '--cert-identity',
    'alice@example.com',
    '--cert-oidc-issuer',
    'https://accounts.google.com',
    ...root,
    '--format',
    'json',
  ]);
  assert.equal(otherIssuer.status, 1);
  assert.deepEqual(
    JSON.parse(otherIssuer.stdout)
      .checks.filter((c: { ok: boolean }) => !c.ok)
      .map((c: { code: string }) => c.code),
    ['ISSUER_MISMATCH'],
  );
  const otherPerson = await sealbox([
    'envelope',
    'verify',
    signed,
    '--cert-identity',
    'bob@example.com',
    '--cert-oidc-issuer',
    GITHUB_LOGIN,
    ...root,
  ]);
  assert.equal(otherPerson.status, 1);
  assert.match(otherPerson.stdout, /FAIL: signer alice@example\.com is not bob@example\.com/);

  // A trust policy naming the team.
  const policy = join(person.dir, 'team.yml');
  writeFileSync(
    policy,
    `issuer: ${GITHUB_LOGIN}\nidentities: [bob@example.com, alice@example.com]\n`,
  );
  const byPolicy = await sealbox(['envelope', 'verify', signed, '--trust-policy', policy, ...root]);
  assert.equal(byPolicy.status, 0, byPolicy.stdout + byPolicy.stderr);
  writeFileSync(policy, 'identities: [alice@example.com]\n');
  const policyNoIssuer = await sealbox([
    'envelope',
    'verify',
    signed,
    '--trust-policy',
    policy,
    ...root,
  ]);
  assert.equal(policyNoIssuer.status, 2);
  assertOneCleanLine(policyNoIssuer.stderr);
});

test("InferenceBench format: the envelope's certificate field is the person's certificate", async () => {
  const person = home('inferencebench-home');
  const envelope = writeUnsignedEnvelope(join(person.dir, 'ib.json'));
  const out = join(person.dir, 'ib.signed.json');
  const run = startSealbox(
    [
      'envelope',
      'sign',
      envelope,
      '--keyless',
      '--oidc-device-flow',
      '--format-out',
      'inferencebench',
      '-o',
      out,
    ],
    personEnv(ctx.stack, person.env),
  );
  const [, page, code] = await run.waitFor(DEVICE_PROMPT);
  await approveDevice(page!, code!, 'allow');
  const r = await run.done;
  assert.equal(r.status, 0, r.stderr);
  const signature = JSON.parse(readFileSync(out, 'utf8')).signature;
  assert.equal(signature.method, 'sigstore-cosign');
  const claims = parseClaims(signature.certificate);
  assert.equal(claims.subjectAlternativeName, 'alice@example.com');
  assert.equal(claims.issuer, GITHUB_LOGIN);
  const verify = await sealbox([
    'envelope',
    'verify',
    out,
    '--require-identity-pattern',
    '^alice@example\\.com$',
    '--require-issuer',
    GITHUB_LOGIN,
    '--trusted-root',
    ctx.stack.trustedRootPath,
  ]);
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
});

test('attest --oidc-interactive: the browser flow (the URL opened by BROWSER and printed), signed as the person; verify by email', async () => {
  const person = home('browser-home');
  const artifact = join(person.dir, 'model.bin');
  writeFileSync(artifact, 'weights');
  const predicate = join(person.dir, 'predicate.json');
  writeFileSync(predicate, JSON.stringify({ note: 'trained on my machine' }));
  const opened = join(person.dir, 'opened.txt');
  const browser = join(person.dir, 'browser.sh');
  writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
  chmodSync(browser, 0o755);
  const run = startSealbox(
    [
      'attest',
      artifact,
      '--predicate-type',
      'https://example.com/trained/v1',
      '--predicate',
      predicate,
      '--oidc-interactive',
      '--format',
      'json',
    ],
    personEnv(ctx.stack, { ...person.env, BROWSER: browser }),
    { cwd: person.dir },
  );
  const [, url] = await run.waitFor(LOGIN_URL);
  for (let i = 0; i < 100 && !existsSync(opened); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(readFileSync(opened, 'utf8'), url, 'the printed URL is the one the browser opens');
  const asked = new URL(url!);
  const q = asked.searchParams;
  assert.equal(asked.origin + asked.pathname, `${ctx.stack.loginUrl}/auth`);
  assert.equal(q.get('client_id'), 'sigstore');
  assert.equal(q.get('response_type'), 'code');
  assert.equal(q.get('code_challenge_method'), 'S256');
  for (const name of ['code_challenge', 'state', 'nonce'])
    assert.match(q.get(name)!, /^[A-Za-z0-9_-]{43}$/, name);
  const redirect = new URL(q.get('redirect_uri')!);
  assert.equal(redirect.hostname, '127.0.0.1');
  assert.equal(redirect.pathname, '/auth/callback');
  assert.notEqual(redirect.port, new URL(ctx.stack.url).port);

  const back = await consent(url!, 'allow', { connector: 'https://accounts.google.com' });
  const answer = await fetch(back);
  assert.equal(answer.status, 200);
  assert.match(await answer.text(), /sealbox is signing as alice@example\.com/);
  const r = await run.done;
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.bundles, [`${artifact}.sigstore.json`]);
  assertTokenNowhere(ctx.stack.login.issued.at(-1)!, person.dir, [r.stdout, r.stderr]);
  // The login's loopback server is gone with the command.
  await assert.rejects(fetch(back));

  const verify = await sealbox([
    'verify',
    artifact,
    '--bundle',
    `${artifact}.sigstore.json`,
    '--cert-identity',
    'alice@example.com',
    '--cert-oidc-issuer',
    'https://accounts.google.com',
    '--predicate-type',
    'https://example.com/trained/v1',
    '--trusted-root',
    ctx.stack.trustedRootPath,
  ]);
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /signer: +alice@example\.com/);
});

test('sign-bundle logs in at the issuer its signing config names (the conformance protocol without a token)', async () => {
  const person = home('conformance-home');
  const artifact = join(person.dir, 'a.txt');
  writeFileSync(artifact, 'conformance');
  const bundle = join(person.dir, 'a.sigstore.json');
  const run = startSealbox(
    [
      'sign-bundle',
      '--signing-config',
      ctx.stack.state.signingConfigPath,
      '--bundle',
      bundle,
      '--oidc-device-flow',
      artifact,
    ],
    // No issuer in the environment: the signing config's is the one used.
    personEnv(ctx.stack, { ...person.env, SEALBOX_OIDC_ISSUER: '' }),
  );
  const [, page, code] = await run.waitFor(DEVICE_PROMPT);
  await approveDevice(page!, code!, 'allow', { email: 'bob@example.com' });
  const r = await run.done;
  assert.equal(r.status, 0, r.stderr);
  const verify = await sealbox([
    'verify-bundle',
    '--bundle',
    bundle,
    '--certificate-identity',
    'bob@example.com',
    '--certificate-oidc-issuer',
    GITHUB_LOGIN,
    '--trusted-root',
    ctx.stack.trustedRootPath,
    artifact,
  ]);
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
});

test('on a terminal with no token at hand, envelope sign --keyless starts the browser login by itself', async (t) => {
  const script = ['/usr/bin/script', '/bin/script'].find(existsSync);
  if (process.platform !== 'linux' || !script)
    return t.skip('needs util-linux script for a terminal');
  const person = home('terminal-home');
  const envelope = writeUnsignedEnvelope(join(person.dir, 'result.json'));
  const command = [
    process.execPath,
    `${REPO_ROOT}bin/sealbox.js`,
    'envelope',
    'sign',
    envelope,
    '--keyless',
  ]
    .map((a) => `'${a}'`)
    .join(' ');
  // script(1) runs the command on a pseudo-terminal: its standard input and error are terminals.
  const child = spawn(script, ['-qec', command, '/dev/null'], {
    env: { ...process.env, ...personEnv(ctx.stack, person.env) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no login URL:\n${output}`)), 30_000);
    child.stdout.on('data', (d) => {
      output += d;
      const m = /sealbox: {3}(http\S+\/auth\?\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  await fetch(await consent(url, 'allow'));
  const status = await new Promise((resolve) => child.on('close', resolve));
  child.stdin.end();
  assert.equal(status, 0, output);
  assert.ok(existsSync(join(person.dir, 'result.signed.json')));
});
