// The page under test: a build of it served on 127.0.0.1 (the developer build
// unless told otherwise: the tests talk to a local stack), or the one-file
// page opened from file://; Debian's chromium driven by playwright-core
// (headless), every request outside 127.0.0.1 refused and recorded,
// screenshots under web/test-results/.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

const WEB = new URL('../', import.meta.url).pathname;
export const BUILDS = {
  published: join(WEB, 'dist'),
  developer: join(WEB, 'dist-developer'),
} as const;
/** The one-file page (`vite build web --mode pack`), as the package ships it. */
export const VERIFY_HTML = join(WEB, '..', 'page', 'verify.html');
export const RESULTS = join(WEB, 'test-results');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A static server for a build of the page, as GitHub Pages would serve it. */
function serve(DIST: string): Promise<{ server: Server; url: string }> {
  if (!existsSync(join(DIST, 'index.html')))
    throw new Error(`${DIST} is not built: run npm run test:web (it builds first)`);
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(DIST, path === '/' ? 'index.html' : path);
    if (!file.startsWith(DIST) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}/` });
    }),
  );
}

export interface PageFixture {
  page: Page;
  url: string;
  /** Requests the page tried outside 127.0.0.1 (refused). */
  offsite: string[];
  /** Everything the page wrote to its console. */
  console: string[];
  screenshot(name: string): Promise<void>;
}

export const CHROMIUM = process.env.SEALBOX_CHROMIUM ?? '/usr/bin/chromium';

export interface PageOptions {
  /** Which build to serve (default: developer), or the one-file page from file://. */
  build?: keyof typeof BUILDS | 'file';
  viewport?: { width: number; height: number };
  /** No network at all, as a recipient of an evidence pack may have. */
  offline?: boolean;
}

export function usePage(o: PageOptions = {}): PageFixture {
  const f = { offsite: [] as string[], console: [] as string[] } as unknown as PageFixture;
  let browser: Browser;
  let server: Server | undefined;
  before(async () => {
    if (o.build === 'file') {
      if (!existsSync(VERIFY_HTML))
        throw new Error(`${VERIFY_HTML} is not built: run npm run test:web (it builds first)`);
      f.url = pathToFileURL(VERIFY_HTML).href;
    } else {
      const served = await serve(BUILDS[o.build ?? 'developer']);
      server = served.server;
      f.url = served.url;
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Chromium's sandbox needs user namespaces a container or root may not have.
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({
      viewport: o.viewport ?? { width: 1100, height: 900 },
      offline: o.offline ?? false,
    });
    await context.route('**/*', (route) => {
      const u = new URL(route.request().url());
      if (
        u.hostname === '127.0.0.1' ||
        u.protocol === 'blob:' ||
        u.protocol === 'data:' ||
        u.protocol === 'file:'
      )
        return route.continue();
      f.offsite.push(u.href);
      return route.abort('blockedbyclient');
    });
    f.page = await context.newPage();
    f.page.on('console', (m) => f.console.push(m.text()));
    f.page.on('pageerror', (e) => f.console.push(`pageerror: ${e.message}`));
    await f.page.goto(f.url);
    mkdirSync(RESULTS, { recursive: true });
    f.screenshot = async (name) => {
      await f.page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
    };
  });
  after(async () => {
    await browser?.close();
    if (server) await new Promise((r) => server!.close(r));
  });
  return f;
}

/**
 * Turns developer mode on, through the settings screen as a person would: with
 * a root, also the release list beside it (a local stack's STATE/releases.json).
 */
export async function developerMode(
  page: Page,
  apiUrl: string,
  rootFile?: string,
  o: { allowUnreleased?: boolean } = {},
): Promise<void> {
  await page.goto(new URL('#settings', page.url()).href);
  // Only the developer build lets the API change; the others show api.github.com, read-only.
  if ((await page.inputValue('input[name=settings-api]')) !== apiUrl)
    await page.fill('input[name=settings-api]', apiUrl);
  await page.setInputFiles('input[name=settings-root]', rootFile ? [rootFile] : []);
  const releases = rootFile && join(dirname(rootFile), 'releases.json');
  await page.setInputFiles(
    'input[name=settings-releases]',
    releases && existsSync(releases) ? [releases] : [],
  );
  await page.setChecked('input[name=settings-allow-unreleased]', Boolean(o.allowUnreleased));
  await page.getByRole('button', { name: 'Turn developer mode on' }).click();
  await page.waitForSelector('[data-mode=developer]');
}

export async function publicDefaults(page: Page): Promise<void> {
  await page.goto(new URL('#settings', page.url()).href);
  await page.getByRole('button', { name: 'Back to the public defaults' }).click();
  await page.waitForSelector('[data-mode=public]');
}

export interface PageVerdict {
  verdict: 'pass' | 'fail' | 'error' | string;
  failed: { name: string; outcome: string }[];
  checks: { name: string; ok: boolean }[];
  error?: { code: string; text: string };
}

/** Waits for the view's outcome and reads it off the page. */
export async function readVerdict(page: Page, outId: string): Promise<PageVerdict> {
  const out = page.locator(`#${outId}`);
  await out.locator('[data-verdict], .error').first().waitFor({ timeout: 60_000 });
  return out.evaluate((el) => {
    const err = el.querySelector<HTMLElement>('.error');
    const rows = [...el.querySelectorAll<HTMLElement>('tr[data-check]')];
    return {
      verdict: err ? 'error' : el.querySelector<HTMLElement>('[data-verdict]')!.dataset.verdict!,
      checks: rows.map((r) => ({ name: r.dataset.check!, ok: r.dataset.ok === 'true' })),
      failed: rows
        .filter((r) => r.dataset.ok === 'false')
        .map((r) => ({ name: r.dataset.check!, outcome: r.children[1]!.textContent! })),
      error: err ? { code: err.dataset.code!, text: err.textContent! } : undefined,
    };
  });
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's WCAG 2.1 A and AA violations on the page as it is now, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the browser's debugging protocol, which the page's CSP does not govern.
  const found = (await page.evaluate(
    `(async () => { ${AXE}; const r = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }); return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })); })()`,
  )) as Violation[];
  return found.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}
