// envelope fetch against a local HTTP server: https-style URLs on loopback,
// hf:// through HF_ENDPOINT, file://, the content-addressed cache, and the
// limits (size, time, redirects, JSON validated before caching).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { SHARED, assertOneCleanLine, sealbox } from '../helpers/cli.ts';

const envelopePath = `${SHARED}fixtures/inferencebench/envelopes/010e9504589b.json`;
const envelope = readFileSync(envelopePath);
const sha = createHash('sha256').update(envelope).digest('hex');
const scratch = mkdtempSync(join(tmpdir(), 'sealbox-fetch-'));
let server: Server;
let base: string;
const seen: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const url = req.url ?? '';
    if (url === '/e.json' || url === '/datasets/org/bench/resolve/v1.0/runs/e.json')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(envelope);
    if (url === '/datasets/org/bench/resolve/main/runs/e.json')
      return void res.writeHead(200).end(envelope);
    if (url === '/redirect') return void res.writeHead(302, { location: '/e.json' }).end();
    if (url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    if (url === '/big') return void res.writeHead(200).end(Buffer.alloc(4096, 0x20));
    if (url === '/html') return void res.writeHead(200).end('<html>not json</html>');
    if (url === '/slow') return void setTimeout(() => res.writeHead(200).end(envelope), 3000);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(scratch, { recursive: true, force: true });
});

const env = () => ({ SEALBOX_CACHE_DIR: join(scratch, 'cache'), HF_ENDPOINT: base });

test('a URL: downloaded into the cache, named by the sha256 of its bytes', async () => {
  const r = await sealbox(['envelope', 'fetch', `${base}/e.json`], env());
  assert.equal(r.status, 0, r.stderr);
  const path = r.stdout.trim();
  assert.equal(path, join(scratch, 'cache', 'fetched', `${sha}.json`));
  assert.deepEqual(readFileSync(path), envelope);
  const v = await sealbox([
    'envelope',
    'verify',
    path,
    '--dev-public-key',
    `${SHARED}fixtures/inferencebench/cosign-2026-05-18-marathon.pub`,
  ]);
  assert.equal(v.status, 0, v.stdout);
});

test('hf://datasets/ORG/REPO/PATH[@REVISION] maps to the Hub resolve URL', async () => {
  const main = await sealbox(
    ['envelope', 'fetch', 'hf://datasets/org/bench/runs/e.json', '--format', 'json'],
    env(),
  );
  assert.equal(main.status, 0, main.stderr);
  assert.equal(JSON.parse(main.stdout).url, `${base}/datasets/org/bench/resolve/main/runs/e.json`);
  const pinned = await sealbox(
    ['envelope', 'fetch', 'hf://datasets/org/bench/runs/e.json@v1.0'],
    env(),
  );
  assert.equal(pinned.status, 0, pinned.stderr);
  assert.ok(seen.includes('/datasets/org/bench/resolve/v1.0/runs/e.json'));
});

test('file:// and redirects', async () => {
  const f = await sealbox(['envelope', 'fetch', pathToFileURL(envelopePath).href], env());
  assert.equal(f.status, 0, f.stderr);
  const r = await sealbox(['envelope', 'fetch', `${base}/redirect`], env());
  assert.equal(r.status, 0, r.stderr);
});

for (const [name, args, message] of [
  ['too many redirects', ['/loop'], /more than 5 redirects/],
  ['over the size limit', ['/big', '--max-bytes', '1024'], /over the 1024-byte limit/],
  ['not JSON', ['/html'], /is not JSON/],
  ['too slow', ['/slow', '--timeout', '1'], /no answer within 1 s/],
  ['not found', ['/missing'], /404/],
] as const) {
  test(`refused, nothing cached: ${name}`, async () => {
    const cache = join(scratch, `cache-${name.replace(/\W/g, '')}`);
    const [path, ...flags] = args;
    const r = await sealbox(['envelope', 'fetch', `${base}${path}`, ...flags], {
      ...env(),
      SEALBOX_CACHE_DIR: cache,
    });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, message);
    assert.ok(
      !existsSync(join(cache, 'fetched')) || readdirSync(join(cache, 'fetched')).length === 0,
    );
  });
}

test('plain http to another host is refused', async () => {
  const r = await sealbox(['envelope', 'fetch', 'http://example.invalid/e.json'], env());
  assert.equal(r.status, 2);
  assert.match(r.stderr, /only https \(or http on this machine\) is fetched/);
});
