// Content-Security-Policy by build: the published page may connect to
// api.github.com only; the developer build (vite build web --mode developer)
// also to loopback, for `sealbox dev up`. Checked in the browser: a request
// to a server on 127.0.0.1 is refused by the published page and reaches it
// from the developer build.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { usePage } from './page.ts';

const published = usePage({ build: 'published' });
const developer = usePage({ build: 'developer' });
let server: Server;
let url: string;
let hits = 0;
before(async () => {
  server = createServer((_, res) => {
    hits++;
    res.writeHead(200, { 'access-control-allow-origin': '*' }).end('pong');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/ping`;
});
after(() => new Promise((r) => server.close(r)));

const policy = (page: Page) =>
  page.getAttribute('meta[http-equiv=Content-Security-Policy]', 'content');

/** Tries a request from the page; reports what happened and any CSP violation. */
function tryFetch(page: Page, target: string) {
  return page.evaluate(async (t) => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push(e.violatedDirective),
    );
    try {
      const r = await fetch(t);
      return { ok: true, body: await r.text(), violations };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
      return { ok: false, body: '', violations };
    }
  }, target);
}

test('the published page connects to api.github.com only', async () => {
  const csp = (await policy(published.page)) ?? '';
  assert.match(csp, /connect-src https:\/\/api\.github\.com;/);
  assert.doesNotMatch(csp, /127\.0\.0\.1|localhost/);
  assert.match(csp, /script-src 'self';/);
  const before = hits;
  const r = await tryFetch(published.page, url);
  assert.equal(r.ok, false);
  assert.deepEqual(r.violations, ['connect-src']);
  assert.equal(hits, before, 'the request never left the page');
  // Settings say so, and keep the API fixed.
  await published.page.goto(new URL('#settings', published.url).href);
  assert.equal(await published.page.getAttribute('input[name=settings-api]', 'readonly'), '');
  assert.match(
    (await published.page.textContent('main')) ?? '',
    /connects to https:\/\/api\.github\.com only/,
  );
});

test('the developer build may also reach loopback', async () => {
  const csp = (await policy(developer.page)) ?? '';
  assert.match(csp, /connect-src https:\/\/api\.github\.com http:\/\/127\.0\.0\.1:\* /);
  const r = await tryFetch(developer.page, url);
  assert.deepEqual(r, { ok: true, body: 'pong', violations: [] });
  await developer.page.goto(new URL('#settings', developer.url).href);
  assert.equal(await developer.page.getAttribute('input[name=settings-api]', 'readonly'), null);
});
