// Found by attacking the device flow: an issuer that answers every poll with
// slow_down (RFC 8628 §3.5: wait 5 s more each time) stretches the login past
// the time SEALBOX_LOGIN_TIMEOUT allows. With 12 s allowed and an interval of
// 1 s, sealbox polls at about 0, 6 and 17 s, and only then ends with "no
// approval within 12 s", a false statement, after asking the issuer once
// more past its own deadline. The bound the README gives must hold: no poll
// after the time allowed, and the refusal (one line, exit 2) by then.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sealbox } from '../helpers/cli.ts';
import { writeUnsignedEnvelope } from '../helpers/envelope.ts';
import { loginOnlyEnv } from '../helpers/login.ts';

const ALLOWED_S = 12;
let server: Server;
let base: string;
let dir: string;
let authorizedAt = 0;
const polls: number[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sealbox-slow-down-'));
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/.well-known/openid-configuration')
        return json(200, {
          issuer: base,
          authorization_endpoint: `${base}/auth`,
          token_endpoint: `${base}/token`,
          device_authorization_endpoint: `${base}/device`,
          jwks_uri: `${base}/keys`,
        });
      if (req.url === '/device') {
        authorizedAt = Date.now();
        return json(200, {
          device_code: 'device-code',
          user_code: 'ABCD-EFGH',
          verification_uri: `${base}/activate`,
          expires_in: 600,
          interval: 1,
        });
      }
      if (req.url === '/token') {
        polls.push(Date.now() - authorizedAt);
        return json(400, { error: 'slow_down' });
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

test('slow_down answers never stretch the device login past SEALBOX_LOGIN_TIMEOUT', async () => {
  const input = writeUnsignedEnvelope(join(dir, 'in.json'));
  const out = join(dir, 'out.json');
  const started = Date.now();
  const r = await sealbox(
    [
      'envelope',
      'sign',
      input,
      '--keyless',
      '--oidc-device-flow',
      '--oidc-issuer',
      base,
      '-o',
      out,
    ],
    loginOnlyEnv({ SEALBOX_LOGIN_TIMEOUT: String(ALLOWED_S) }),
  );
  const took = (Date.now() - started) / 1000;
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr.trim().split('\n').at(-1)!,
    /^sealbox: login at .*: no approval within 12 s/,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(existsSync(out), false, 'nothing written');
  assert.ok(polls.length >= 2, `the issuer was polled: ${polls.join(', ')} ms`);
  const late = polls.filter((ms) => ms > (ALLOWED_S + 1) * 1000);
  assert.deepEqual(late, [], `polled after the ${ALLOWED_S} s allowed (at ${polls.join(', ')} ms)`);
  // Start-up of the CLI (a few seconds on a loaded machine) on top of the time allowed.
  assert.ok(took < ALLOWED_S + 4, `refused after ${took.toFixed(1)} s, ${ALLOWED_S} s allowed`);
});
