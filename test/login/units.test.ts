// The login's small rules: PKCE's S256 against RFC 7636's own example, the
// discovery document's issuer name, where the identity token comes from, and
// which command opens a browser.
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { identitySource } from '../../src/node/identity-token.ts';
import { openBrowser } from '../../src/node/login/browser.ts';
import { issuerNameAccepted, serviceUrl } from '../../src/node/login/discovery.ts';
import { randomValue, s256Challenge } from '../../src/node/login/oauth.ts';

test("PKCE S256 reproduces RFC 7636's example (appendix B); verifiers are 43 characters of base64url", () => {
  assert.equal(
    s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
    'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  );
  const values = new Set(Array.from({ length: 50 }, randomValue));
  assert.equal(values.size, 50);
  for (const v of values) assert.match(v, /^[A-Za-z0-9_-]{43}$/);
});

test("the discovery document's issuer must be the URL asked, except on this machine", () => {
  const url = new URL('https://oauth2.sigstore.dev/auth');
  assert.equal(issuerNameAccepted(url, 'https://oauth2.sigstore.dev/auth'), true);
  assert.equal(issuerNameAccepted(url, 'https://oauth2.sigstore.dev/auth/'), true);
  assert.equal(issuerNameAccepted(url, 'https://evil.example/auth'), false);
  // A local stack keeps its issuer's name whatever port it listens on.
  assert.equal(
    issuerNameAccepted(new URL('http://127.0.0.1:4000/login'), 'https://oauth2.sealbox.local/auth'),
    true,
  );
  assert.throws(
    () => serviceUrl('http://oauth2.example/auth', '--oidc-issuer'),
    /give an https URL/,
  );
  assert.equal(serviceUrl('http://localhost:9/x', '--oidc-issuer').port, '9');
});

test('where the token comes from: flags first, then the environment, then a terminal', () => {
  const none = { SIGSTORE_ID_TOKEN: '', ACTIONS_ID_TOKEN_REQUEST_URL: '' };
  const actions = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };
  assert.equal(identitySource('tok', none, {}), 'given');
  assert.throws(() => identitySource('tok', none, { oidcInteractive: true }), /cannot be combined/);
  assert.equal(
    identitySource(undefined, { SIGSTORE_ID_TOKEN: 'x' }, { oidcDeviceFlow: true }),
    'device',
  );
  assert.equal(identitySource(undefined, actions, { oidcInteractive: true }), 'browser');
  assert.equal(
    identitySource(undefined, { SIGSTORE_ID_TOKEN: 'x' }, { terminal: true }),
    'SIGSTORE_ID_TOKEN',
  );
  assert.equal(identitySource(undefined, actions, { terminal: true }), 'github-actions');
  assert.equal(identitySource(undefined, none, { terminal: true }), 'browser');
  assert.equal(identitySource(undefined, none, { terminal: false }), 'none');
  // Without a person behind the command (the Action, a box's job), never a login.
  assert.equal(identitySource(undefined, none), 'none');
});

test('BROWSER names the command that opens the URL; no display and no BROWSER opens nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealbox-browser-'));
  try {
    const script = join(dir, 'browser.sh');
    writeFileSync(script, `#!/bin/sh\nprintf '%s' "$1" > "${join(dir, 'opened')}"\n`);
    chmodSync(script, 0o755);
    const url = 'http://127.0.0.1:1/login/auth?a=1&b=$(touch x)';
    assert.equal(openBrowser(url, { BROWSER: script }), true);
    for (let i = 0; i < 100 && !existsSync(join(dir, 'opened')); i++)
      await new Promise((r) => setTimeout(r, 20));
    // Passed as one argument, never through a shell.
    assert.equal(readFileSync(join(dir, 'opened'), 'utf8'), url);
    if (process.platform === 'linux')
      assert.equal(openBrowser(url, { BROWSER: '', DISPLAY: '', WAYLAND_DISPLAY: '' }), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
