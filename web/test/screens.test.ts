// The page people look at: a verified box drawn per computation (an auction's
// bids, winner and price; a tally's bar chart; statistics as a table; revealed
// messages), its raw JSON behind a toggle, the transcript sortable with counts
// per reason; the bundle screen under the CLI's policy, showing the lines the
// CLI prints; notes that name the page's fields, not CLI flags; and no screen
// wider than a 360 px phone or a desktop, with screenshots of both.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { sealbox } from '../../test/helpers/cli.ts';
import { useStack } from '../../test/helpers/stack.ts';
import { FIELD, FLAG_FIELDS } from '../src/terms.ts';
import { BOX_FILES, hostComputation, type HostedFiles } from '../../test/helpers/box-files.ts';
import { axeViolations, developerMode, readVerdict, RESULTS, usePage } from './page.ts';

const stack = useStack();
// The published build: a root chosen in Settings, the box files chosen from disk, no API.
const ctx = usePage({ build: 'published' });
const REPO = 'demo/sealbox';
const BOX_WORKFLOW = 'sealbox/sealbox/.github/workflows/box.yml';
const PHONE = { width: 360, height: 800 };
const DESKTOP = { width: 1280, height: 900 };
const README_IMAGES = new URL('../../docs/images/', import.meta.url).pathname;

const boxes: Record<string, HostedFiles> = {};
// Root-level before hooks run side by side: the boxes need the stack, so they
// are hosted on the first test's demand.
let hosted: Promise<void> | undefined;
const ready = () => (hosted ??= hostAll());
async function hostAll() {
  const at = (name: string) => join(stack.dir, name);
  boxes.auction = await hostComputation(
    stack.stack,
    at('auction'),
    { name: 'auction', parameters: { type: 'second-price', reveal_bids: true } },
    ['120', '150', '90', 'twelve'],
    4201,
  );
  boxes.tally = await hostComputation(
    stack.stack,
    at('tally'),
    { name: 'tally', parameters: { choices: ['yes', 'no', 'abstain'] } },
    ['yes', 'yes', 'no', 'yes', 'maybe'],
    4202,
  );
  boxes.stats = await hostComputation(
    stack.stack,
    at('stats'),
    { name: 'stats', parameters: {} },
    ['3', '9', '4', 'ten'],
    4203,
  );
  boxes.reveal = await hostComputation(
    stack.stack,
    at('reveal'),
    { name: 'reveal', parameters: {} },
    ['hello', 'a very long message without spaces '.repeat(3).replaceAll(' ', '_')],
    4204,
  );
  await developerMode(ctx.page, 'https://api.github.com', stack.stack.trustedRootPath);
}

const resultOf = (b: HostedFiles) =>
  JSON.parse(readFileSync(join(b.dir, 'result.json'), 'utf8')) as {
    submissions: { status: string; reason?: string; author_login: string }[];
    output: Record<string, unknown>;
  };

async function verifyBox(page: Page, b: HostedFiles) {
  await page.goto(new URL('#box', ctx.url).href);
  await page.fill('input[name=box-address]', '');
  await page.fill('input[name=box-repo]', REPO);
  await page.setInputFiles(
    'input[name=box-files]',
    BOX_FILES.map((f) => join(b.dir, f)),
  );
  await page.getByRole('button', { name: 'Verify the box' }).click();
  const v = await readVerdict(page, 'box-out');
  assert.equal(v.verdict, 'pass', JSON.stringify(v));
}

/** Elements wider than the viewport, and whether the document scrolls sideways. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide: string[] = [];
    if (document.documentElement.scrollWidth > width)
      wide.push(`document ${document.documentElement.scrollWidth} > ${width}`);
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      // Inside a container that scrolls on its own, width is that container's business.
      if (el.closest('.scroll, pre') && !el.matches('.scroll, pre')) continue;
      // The skip link waits off-screen until focused.
      if (el.matches('.skip:not(:focus)')) continue;
      const r = el.getBoundingClientRect();
      if (r.width && (r.right > width + 0.5 || r.left < -0.5))
        wide.push(
          `${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''} ${Math.round(r.left)}..${Math.round(r.right)}`,
        );
    }
    return wide.slice(0, 10);
  });
}

async function shoot(name: string) {
  await ctx.screenshot(name);
}

/** A picture for README (docs/images/web-NAME.png), written when SEALBOX_README_SCREENSHOTS is set. */
async function readmeShot(name: string, selector?: string) {
  const path = join(RESULTS, `readme-${name}.png`);
  if (selector) await ctx.page.locator(selector).screenshot({ path });
  else await ctx.page.screenshot({ path });
  if (process.env.SEALBOX_README_SCREENSHOTS) {
    mkdirSync(README_IMAGES, { recursive: true });
    copyFileSync(path, join(README_IMAGES, `web-${name}.png`));
  }
}

test('an auction: winner, second price, the bids revealed; the transcript sorts and counts', async () => {
  const { page } = ctx;
  await ready();
  await page.setViewportSize(DESKTOP);
  await verifyBox(page, boxes.auction!);
  const out = page.locator('#box-out');
  assert.equal(await out.locator('[data-computation]').getAttribute('data-computation'), 'auction');
  // 150 wins and pays the second-highest valid bid, 120; "twelve" is no bid.
  assert.equal(await out.locator('[data-winner]').textContent(), 'participant2');
  assert.equal(await out.locator('[data-price]').textContent(), '120');
  const output = resultOf(boxes.auction!).output;
  assert.equal(String(output.price), '120', 'the page shows what result.json says');
  assert.match((await out.textContent()) ?? '', /second-price auction: the highest bid wins/);
  const bids = await out.locator('table.bids tbody tr').allTextContents();
  assert.deepEqual(
    bids.map((b) => b.replace(/\s+/g, ' ')),
    [
      'participant2150 (winner)',
      'participant1120',
      'participant390',
      'participant4not a number: twelve',
    ],
  );

  // Counts per reason, computed from result.json's transcript.
  const result = resultOf(boxes.auction!);
  const want = new Map<string, number>();
  for (const s of result.submissions) {
    const label = s.reason ? `${s.status}: ${s.reason}` : s.status;
    want.set(label, (want.get(label) ?? 0) + 1);
  }
  assert.ok(
    want.has('rejected: duplicate') && want.has('rejected: undecryptable'),
    [...want].join(),
  );
  const shown = await out
    .locator('[data-reason-count]')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-reason-count'), e.textContent]));
  assert.deepEqual(new Map(shown.map(([label, t]) => [label!, Number(/^\d+/.exec(t!)![0])])), want);

  // Sorting: by author, then the other way.
  const authors = () => out.locator('.transcript-table td[data-column=author]').allTextContents();
  assert.equal((await authors()).length, result.submissions.length);
  await out.getByRole('button', { name: 'Author' }).click();
  const up = await authors();
  assert.deepEqual(up, [...up].sort());
  assert.notDeepEqual(up, [...up].reverse(), 'control: the column has different values');
  assert.equal(
    await out.locator('th:has(button[data-sort=author])').getAttribute('aria-sort'),
    'ascending',
  );
  await out.getByRole('button', { name: 'Author' }).click();
  assert.deepEqual(await authors(), [...up].reverse());
  await out.getByRole('button', { name: 'Reason' }).click();
  const reasons = await out.locator('.transcript-table td[data-column=reason]').allTextContents();
  assert.deepEqual(reasons, [...reasons].sort());

  // The raw result, behind a toggle.
  const raw = out.locator('details.raw');
  assert.equal(await raw.locator('pre').isVisible(), false, 'closed until asked for');
  await raw.locator('summary').click();
  assert.deepEqual(JSON.parse((await raw.locator('pre').textContent())!), result);
  await raw.locator('summary').click();
  await shoot('box-auction');
  await readmeShot('auction', '#box-out');
});

test('a tally as a bar chart, statistics as a table, revealed messages as a list', async () => {
  const { page } = ctx;
  await ready();
  await verifyBox(page, boxes.tally!);
  const out = page.locator('#box-out');
  const counts = resultOf(boxes.tally!).output.counts as Record<string, number>;
  assert.deepEqual(counts, { yes: 3, no: 1, abstain: 0 });
  const rows = await out.locator('table.chart tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      choice: tr.getAttribute('data-choice'),
      count: Number(tr.getAttribute('data-count')),
      bar: (tr.querySelector('.bar') as HTMLElement).getBoundingClientRect().width,
      cell: (tr.querySelector('.bar-cell') as HTMLElement).getBoundingClientRect().width,
    })),
  );
  assert.deepEqual(
    rows.map((r) => [r.choice, r.count]),
    Object.entries(counts),
  );
  // Bars are drawn to scale (the strict CSP allows their CSSOM width).
  const yes = rows[0]!;
  const no = rows[1]!;
  assert.ok(yes.bar > 0.8 * yes.cell, `the largest bar spans its cell: ${JSON.stringify(yes)}`);
  assert.ok(Math.abs(no.bar / yes.bar - 1 / 3) < 0.05, `bars to scale: ${JSON.stringify(rows)}`);
  await shoot('box-tally');
  await readmeShot('tally', '#box-out .result > .computation');

  await verifyBox(page, boxes.stats!);
  const stats = resultOf(boxes.stats!).output;
  assert.equal(Number(stats.mean).toFixed(4), ((3 + 9 + 4) / 3).toFixed(4));
  const table = await out
    .locator('table.stats tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(table, [
    ['Numbers counted', '3'],
    ['Not a number', '1'],
    ['Sum', '16'],
    ['Mean', String(stats.mean)], // as result.json gives it (exact decimals in v1.1)
    ['Median', '4'],
    ['Smallest', '3'],
    ['Largest', '9'],
  ]);

  await verifyBox(page, boxes.reveal!);
  const messages = await out.locator('table.messages tbody tr td:nth-child(2)').allTextContents();
  assert.deepEqual(
    messages,
    (resultOf(boxes.reveal!).output.submissions as { message: string }[]).map((s) => s.message),
  );
  await page.setViewportSize(PHONE);
  assert.deepEqual(await overflow(page), [], 'a long message wraps on a phone');
  await page.setViewportSize(DESKTOP);
});

test('the bundle screen: the CLI policy, and the lines the CLI prints', async () => {
  const { page } = ctx;
  await ready();
  const b = boxes.auction!;
  await page.goto(new URL('#bundle', ctx.url).href);
  await page.setInputFiles('input[name=bundle-file]', join(b.dir, 'manifest.sigstore.json'));
  await page.setInputFiles('input[name=bundle-artifact]', join(b.dir, 'manifest.json'));
  await page.fill('input[name=bundle-repo]', REPO);
  await page.fill('input[name=bundle-signer]', BOX_WORKFLOW);
  await page.getByRole('button', { name: 'Verify the bundle' }).click();
  const seen = await readVerdict(page, 'bundle-out');
  assert.equal(seen.verdict, 'pass', JSON.stringify(seen));
  const facts = await page
    .locator('#bundle-out [data-facts] dd')
    .evaluateAll((dds) => dds.map((dd) => [dd.getAttribute('data-fact'), dd.textContent]));
  const cli = await sealbox([
    'verify',
    join(b.dir, 'manifest.json'),
    '--bundle',
    join(b.dir, 'manifest.sigstore.json'),
    '--repo',
    REPO,
    '--signer-workflow',
    BOX_WORKFLOW,
    '--trusted-root',
    stack.stack.trustedRootPath,
  ]);
  assert.equal(cli.status, 0, cli.stdout + cli.stderr);
  const cliFacts = cli.stdout
    .split('\n')
    .map((l) => /^ {2}([a-z ]+):\s+(.*)$/.exec(l))
    .filter((m) => m && m[1] !== 'log entry')
    .map((m) => [m![1], m![2]]);
  // The same lines, but for the root's name: a path on the command line, a file chosen in the page.
  const rootless = (f: (string | null | undefined)[][]) => f.filter(([k]) => k !== 'trusted root');
  assert.deepEqual(rootless(facts), rootless(cliFacts));
  assert.ok(
    facts.some(([k, v]) => k === 'trusted root' && v!.startsWith('trusted_root.json')),
    JSON.stringify(facts),
  );
  const named = new Set(facts.map(([k]) => k));
  for (const k of ['source', 'workflow', 'run', 'runner', 'signer', 'predicate type', 'subject'])
    assert.ok(named.has(k), `the page shows ${k}: ${[...named].join(', ')}`);
  assert.ok(facts.some(([k, v]) => k === 'subject' && v!.startsWith('manifest.json sha256:')));

  // Another signer workflow: the policy fails, as the CLI's would.
  await page.fill('input[name=bundle-signer]', 'octo/other/.github/workflows/x.yml');
  await page.getByRole('button', { name: 'Verify the bundle' }).click();
  const red = await readVerdict(page, 'bundle-out');
  assert.equal(red.verdict, 'fail');
  assert.deepEqual(
    red.failed.map((f) => f.name),
    ['signer'],
    JSON.stringify(red.failed),
  );
  await page.fill('input[name=bundle-signer]', BOX_WORKFLOW);
  await page.getByRole('button', { name: 'Verify the bundle' }).click();
  assert.equal((await readVerdict(page, 'bundle-out')).verdict, 'pass');
  await shoot('bundle-claims');
  await readmeShot('bundle', '#bundle-out');
});

test('notes and errors name the page’s fields, never CLI flags', async () => {
  const { page } = ctx;
  await ready();
  await verifyBox(page, boxes.stats!);
  const notes = (await page.locator('#box-out .notes').textContent()) ?? '';
  assert.match(
    notes,
    /pin them with “Signer workflow” \S+, “Signer commit” [0-9a-f]{40}, “Source commit” [0-9a-f]{40}/,
  );
  assert.doesNotMatch(notes, /--[a-z]/);
  // An error from the core's policy check, in the page's words.
  await page.fill('input[name=box-signer]', 'not-a-workflow');
  await page.getByRole('button', { name: 'Verify the box' }).click();
  const err = await readVerdict(page, 'box-out');
  assert.equal(err.verdict, 'error');
  assert.match(err.error!.text, /“Signer workflow” "not-a-workflow" is not/);
  await page.fill('input[name=box-signer]', '');
  // Every field a message may name is a field of the page.
  const labels: string[] = [];
  for (const screen of ['box', 'submit', 'envelope', 'bundle', 'settings']) {
    await page.goto(new URL(`#${screen}`, ctx.url).href);
    labels.push(...(await page.locator('main label').allTextContents()).map((l) => l.trim()));
  }
  // Only fields: a flag may also be named by what it did ('--no-tlog': no transparency log).
  const fields = new Set<string>(Object.values(FIELD));
  const missing = [...new Set(Object.values(FLAG_FIELDS))]
    .map((f) => f.replace(/ \(Settings\)$/, ''))
    .filter((f) => fields.has(f))
    .filter((f) => !labels.some((l) => l.startsWith(f)));
  assert.deepEqual(missing, [], `labels: ${labels.join(' | ')}`);
});

test('no screen is wider than a phone (360 px) or a desktop; screenshots of both', async () => {
  const { page } = ctx;
  await ready();
  const wide: string[] = [];
  for (const [size, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(viewport);
    for (const screen of ['box', 'submit', 'envelope', 'bundle', 'settings']) {
      await page.goto(new URL(`#${screen}`, ctx.url).href);
      // Every optional part open, as a user exploring would have it.
      for (const d of await page.locator('main details').all())
        await d.evaluate((e) => e.setAttribute('open', ''));
      wide.push(...(await overflow(page)).map((w) => `${size} ${screen}: ${w}`));
      await shoot(`${size}-${screen}`);
    }
    // Outcomes: a verified box with its result, a failed bundle with its claims.
    await verifyBox(page, boxes.auction!);
    for (const d of await page.locator('main details').all())
      await d.evaluate((e) => e.setAttribute('open', ''));
    wide.push(...(await overflow(page)).map((w) => `${size} box verified: ${w}`));
    // The result, chart, transcript and toggles pass axe-core's WCAG 2.1 A/AA rules too.
    assert.deepEqual(await axeViolations(page), [], `${size}: a verified box`);
    await shoot(`${size}-box-verified`);
    if (size === 'phone') await readmeShot('phone', '#box-out .result');
    await page.goto(new URL('#bundle', ctx.url).href);
    await page.fill('input[name=bundle-signer]', 'octo/other/.github/workflows/x.yml');
    await page.getByRole('button', { name: 'Verify the bundle' }).click();
    assert.equal((await readVerdict(page, 'bundle-out')).verdict, 'fail');
    wide.push(...(await overflow(page)).map((w) => `${size} bundle failed: ${w}`));
    await shoot(`${size}-bundle-failed`);
    await page.fill('input[name=bundle-signer]', '');
  }
  assert.deepEqual(wide, []);
  // Control: the check sees an element that sticks out.
  await page.setViewportSize(PHONE);
  await page.evaluate(() => {
    const wideBox = document.createElement('div');
    wideBox.textContent = 'x';
    wideBox.className = 'planted';
    document.querySelector('main')!.append(wideBox);
    wideBox.style.width = '500px';
  });
  assert.ok((await overflow(page)).some((w) => w.startsWith('document') || w.includes('planted')));
  assert.deepEqual(ctx.offsite, [], 'the page asked for nothing outside 127.0.0.1');
  assert.ok(!ctx.console.some((l) => l.startsWith('pageerror')), ctx.console.join('\n'));
});
