// Found by attacking the login: an issuer's answer is read to its end before
// its size is checked, and the time limit on it surfaces as an internal
// error. An issuer (the one `--oidc-issuer` or a signing config names) whose
// discovery document never ends makes sealbox buffer all it sends, gigabytes
// within the 30 s allowed, then end with "internal error: The operation was
// aborted due to timeout"; one that sends its document a byte at a time ends
// the same way. Each must end with one line naming the issuer, exit 2, after
// reading no more than the size limit allows.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type CliResult, sealbox } from '../helpers/cli.ts';
import { writeUnsignedEnvelope } from '../helpers/envelope.ts';
import { loginOnlyEnv } from '../helpers/login.ts';

const MiB = 1 << 20;
let server: Server;
let base: string;
let dir: string;
/** Bytes of the endless discovery document the socket took before sealbox hung up. */
let endlessSent = 0;

/** Writes `chunk` every `ms` until the client goes away; counts what was written. */
function drip(res: ServerResponse, chunk: string, ms: number, count: (n: number) => void) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"issuer":');
  const timer = setInterval(() => {
    if (res.writableNeedDrain) return; // the client is not reading: do not buffer here
    res.write(chunk);
    count(chunk.length);
  }, ms);
  res.on('close', () => clearInterval(timer));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sealbox-endless-issuer-'));
  server = createServer((req, res) => {
    if (req.url === '/endless/.well-known/openid-configuration')
      return drip(res, ' '.repeat(MiB), 50, (n) => (endlessSent += n));
    if (req.url === '/trickle/.well-known/openid-configuration')
      return drip(res, ' ', 1000, () => {});
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** `envelope sign --keyless --oidc-interactive` against the issuer at `path`; the signed file must never appear. */
async function signAt(path: string): Promise<{ r: CliResult; out: string }> {
  const input = writeUnsignedEnvelope(join(dir, `${path}.json`));
  const out = join(dir, `${path}.signed.json`);
  const r = await sealbox(
    [
      'envelope',
      'sign',
      input,
      '--keyless',
      '--oidc-interactive',
      '--oidc-issuer',
      `${base}/${path}`,
      '-o',
      out,
    ],
    loginOnlyEnv({
      SEALBOX_TIMEOUT: '3', // the trickle outlasts any limit: a short one keeps the test short
    }),
  );
  return { r, out };
}

/** Exit 2, a last line naming the issuer, no internal error, no stack trace, nothing written. */
function assertRefused({ r, out }: { r: CliResult; out: string }): string {
  assert.equal(r.status, 2, r.stderr);
  const last = r.stderr.trim().split('\n').at(-1)!;
  assert.doesNotMatch(
    r.stderr,
    /internal error/,
    'an issuer that misbehaves is bad input, not a bug',
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.match(last, /^sealbox: /);
  assert.ok(last.includes(base), `the line names the issuer: ${last}`);
  assert.equal(r.stdout, '');
  assert.equal(existsSync(out), false, 'nothing written');
  return last;
}

test('a discovery document that never ends is cut off at the size limit, not buffered for 30 s', async () => {
  const started = Date.now();
  const refused = await signAt('endless');
  // The limit is 1 MiB; allow the socket's buffers on top. Today: hundreds of MiB, then a timeout.
  assert.ok(endlessSent <= 16 * MiB, `sealbox read ${Math.round(endlessSent / MiB)} MiB`);
  assert.match(assertRefused(refused), /larger than|too large/);
  assert.ok(Date.now() - started < 20_000, 'refused once the limit was passed');
});

test('a discovery document sent a byte a second ends with a line naming the issuer, not an internal error', async () => {
  assertRefused(await signAt('trickle'));
});
