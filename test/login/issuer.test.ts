// The local stack's login issuer as an OAuth client meets it, over HTTP: its
// name does not depend on the port; PKCE (S256) and loopback redirects are
// required; a code is good once and only with its verifier; the device flow
// answers pending, slow_down, denied, expired; and the stack's Fulcio turns
// a login into a certificate with an email SAN and the upstream issuer.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { LOGIN_ISSUER } from '../../src/devstack/login.ts';
import { parseClaims } from '../../src/policy/claims.ts';
import { signMessage } from '../../src/node/signing.ts';
import { randomValue, s256Challenge } from '../../src/node/login/oauth.ts';
import { approveDevice, consent } from '../helpers/login.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const REDIRECT = 'http://127.0.0.1:9/auth/callback';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function authorizeUrl(params: Record<string, string | undefined> = {}): string {
  const u = new URL(`${ctx.stack.loginUrl}/auth`);
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: 'sigstore',
    redirect_uri: REDIRECT,
    scope: 'openid email',
    state: 'the-state',
    nonce: 'the-nonce',
    code_challenge: s256Challenge('v'.repeat(43)),
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) u.searchParams.set(k, v);
  return u.href;
}

const token = (form: Record<string, string>) =>
  fetch(`${ctx.stack.loginUrl}/token`, { method: 'POST', body: new URLSearchParams(form) }).then(
    async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }),
  );

async function codeFor(verifier: string, redirect = REDIRECT): Promise<string> {
  const location = await consent(
    authorizeUrl({ code_challenge: s256Challenge(verifier), redirect_uri: redirect }),
    'allow',
  );
  const back = new URL(location);
  assert.equal(back.searchParams.get('state'), 'the-state');
  return back.searchParams.get('code')!;
}

test('discovery: a name independent of the port, endpoints at the stack, S256 and the device grant', async () => {
  const d = await (await fetch(`${ctx.stack.loginUrl}/.well-known/openid-configuration`)).json();
  assert.equal(d.issuer, LOGIN_ISSUER);
  assert.equal(d.issuer, 'https://oauth2.sealbox.local/auth');
  assert.equal(d.authorization_endpoint, `${ctx.stack.loginUrl}/auth`);
  assert.equal(d.device_authorization_endpoint, `${ctx.stack.loginUrl}/device/code`);
  assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
  // The stack's signing config names it, as sign-bundle reads it.
  assert.equal(ctx.stack.signingConfig().oidcUrls[0]?.url, ctx.stack.loginUrl);
});

test('authorize: only loopback redirects, only client sigstore, PKCE with S256 required', async () => {
  for (const redirect of ['https://evil.example/cb', 'http://192.168.1.2:80/cb', 'not a url']) {
    const r = await fetch(authorizeUrl({ redirect_uri: redirect }), { redirect: 'manual' });
    assert.equal(r.status, 400, redirect);
    assert.equal(r.headers.get('location'), null, 'never sent to an unchecked redirect');
  }
  const unknown = await fetch(authorizeUrl({ client_id: 'other' }), { redirect: 'manual' });
  assert.equal(unknown.status, 400);
  for (const pkce of [
    { code_challenge_method: 'plain' },
    { code_challenge: undefined, code_challenge_method: undefined },
  ]) {
    const r = await fetch(authorizeUrl(pkce), { redirect: 'manual' });
    assert.equal(r.status, 302);
    const back = new URL(r.headers.get('location')!);
    assert.equal(back.origin + back.pathname, REDIRECT);
    assert.equal(back.searchParams.get('error'), 'invalid_request');
    assert.equal(back.searchParams.get('state'), 'the-state');
  }
  for (const redirect of ['http://localhost:7/x', 'http://[::1]:7/x']) {
    const r = await fetch(authorizeUrl({ redirect_uri: redirect }));
    assert.equal(r.status, 200, redirect);
  }
});

test('a denied consent goes back with access_denied and the state', async () => {
  const back = new URL(await consent(authorizeUrl(), 'deny'));
  assert.equal(back.searchParams.get('error'), 'access_denied');
  assert.equal(back.searchParams.get('state'), 'the-state');
  assert.equal(back.searchParams.get('code'), null);
});

test('the code: once, with its redirect and its PKCE verifier only', async () => {
  const verifier = randomValue();
  const exchange = (code: string, over: Record<string, string> = {}) =>
    token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: 'sigstore',
      code_verifier: verifier,
      ...over,
    });
  const wrongVerifier = await exchange(await codeFor(verifier), { code_verifier: randomValue() });
  assert.equal(wrongVerifier.status, 400);
  assert.equal(wrongVerifier.body.error, 'invalid_grant');
  assert.match(wrongVerifier.body.error_description!, /PKCE/);
  const wrongRedirect = await exchange(await codeFor(verifier), {
    redirect_uri: 'http://127.0.0.1:10/auth/callback',
  });
  assert.equal(wrongRedirect.body.error, 'invalid_grant');
  const code = await codeFor(verifier);
  const good = await exchange(code);
  assert.equal(good.status, 200, JSON.stringify(good.body));
  assert.equal(good.body.token_type, 'bearer');
  const claims = await ctx.stack.login.verify(good.body.id_token!);
  assert.equal(claims.iss, LOGIN_ISSUER);
  assert.equal(claims.aud, 'sigstore');
  assert.equal(claims.email, 'alice@example.com');
  assert.equal(claims.email_verified, true);
  assert.equal(claims.nonce, 'the-nonce');
  assert.deepEqual(claims.federated_claims, {
    connector_id: 'https://github.com/login/oauth',
    user_id: 'alice',
  });
  const again = await exchange(code);
  assert.equal(again.body.error, 'invalid_grant', 'a code is good once');
});

test('the device flow: pending, slow_down when polled too fast, then the token; denied; expired', async () => {
  const start = async () => {
    const r = await fetch(`${ctx.stack.loginUrl}/device/code`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: 'sigstore', scope: 'openid email' }),
    });
    return (await r.json()) as Record<string, string>;
  };
  const poll = (deviceCode: string) =>
    token({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: 'sigstore' });
  const d = await start();
  assert.match(d.user_code!, /^[A-Z]{4}-[A-Z]{4}$/);
  assert.equal(d.verification_uri, `${ctx.stack.loginUrl}/device`);
  assert.equal((await poll(d.device_code!)).body.error, 'authorization_pending');
  assert.equal((await poll(d.device_code!)).body.error, 'slow_down');
  const unknown = await approveDevice(d.verification_uri!, 'BBBB-BBBB', 'allow');
  assert.equal(unknown.status, 400);
  const approved = await approveDevice(d.verification_uri!, d.user_code!.toLowerCase(), 'allow', {
    email: 'bob@example.com',
    connector: 'https://login.microsoftonline.com',
  });
  assert.equal(approved.status, 200);
  await new Promise((r) => setTimeout(r, 1100));
  const issued = await poll(d.device_code!);
  assert.equal(issued.status, 200);
  const claims = await ctx.stack.login.verify(issued.body.id_token!);
  assert.equal(claims.email, 'bob@example.com');
  assert.equal(
    (claims.federated_claims as { connector_id: string }).connector_id,
    'https://login.microsoftonline.com',
  );

  const denied = await start();
  await approveDevice(denied.verification_uri!, denied.user_code!, 'deny');
  assert.equal((await poll(denied.device_code!)).body.error, 'access_denied');

  ctx.stack.login.deviceCodeLifetime = 1;
  try {
    const expiring = await start();
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await poll(expiring.device_code!)).body.error, 'expired_token');
  } finally {
    ctx.stack.login.deviceCodeLifetime = 600;
  }
});

test("Fulcio: a login's certificate names the email address (rfc822Name) and the upstream issuer", async () => {
  const verifier = randomValue();
  const location = await consent(
    authorizeUrl({ code_challenge: s256Challenge(verifier) }),
    'allow',
    { email: 'carol@example.org', connector: 'https://accounts.google.com' },
  );
  const code = new URL(location).searchParams.get('code')!;
  const { body } = await token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    client_id: 'sigstore',
    code_verifier: verifier,
  });
  const endpoints = { fulcioUrl: ctx.stack.fulcioUrl, rekorUrl: ctx.stack.rekorUrl };
  const bundle = (await signMessage(new TextEncoder().encode('x'), {
    endpoints,
    token: body.id_token!,
  })) as {
    verificationMaterial: {
      certificate?: { rawBytes: string };
      x509CertificateChain?: { certificates: { rawBytes: string }[] };
    };
  };
  const material = bundle.verificationMaterial;
  const raw = material.certificate ?? material.x509CertificateChain!.certificates[0]!;
  const der = Buffer.from(raw.rawBytes, 'base64');
  const claims = parseClaims(new Uint8Array(der));
  assert.equal(claims.subjectAlternativeName, 'carol@example.org');
  assert.equal(claims.issuer, 'https://accounts.google.com');
  // An email SAN is GeneralName [1] (rfc822Name), not [6] (a URI).
  const at = der.indexOf(Buffer.from('carol@example.org'));
  assert.equal(der[at - 2], 0x81);

  // A token claiming the login issuer's name, signed by a key it never published, is refused.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const forged = await new SignJWT({ email: 'carol@example.org', email_verified: true })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(LOGIN_ISSUER)
    .setAudience('sigstore')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
  await assert.rejects(
    signMessage(new TextEncoder().encode('x'), { endpoints, token: forged }),
    /Fulcio at .*the OIDC identity token is not valid/,
  );
});
