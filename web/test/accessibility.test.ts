// Every screen of the page, empty and showing an outcome (a verdict, an
// error), checked by axe-core for WCAG 2.x A and AA violations.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONFORMANCE_DIR } from '../../test/helpers/conformance.ts';
import { axeViolations, readVerdict, usePage } from './page.ts';

const ctx = usePage();
test('no WCAG A/AA violations on any screen, before and after a check', async () => {
  const { page } = ctx;
  const found: string[] = [];
  const look = async (where: string) =>
    found.push(...(await axeViolations(ctx.page)).map((v) => `${where}: ${v}`));
  for (const screen of ['box', 'submit', 'envelope', 'bundle', 'settings']) {
    await page.goto(new URL(`#${screen}`, ctx.url).href);
    await look(screen);
  }
  // Outcomes: a failed and a passed bundle, and an error.
  await page.goto(new URL('#bundle', ctx.url).href);
  const happy = join(CONFORMANCE_DIR, 'happy-path-v0.3');
  await page.setInputFiles('input[name=bundle-file]', join(happy, 'bundle.sigstore.json'));
  await page.setInputFiles('input[name=bundle-artifact]', join(CONFORMANCE_DIR, 'a.txt'));
  await page.fill('input[name=bundle-identity]', 'https://example.com/not-the-signer');
  await page.fill('input[name=bundle-issuer]', 'https://token.actions.githubusercontent.com');
  await page.getByRole('button', { name: 'Verify the bundle' }).click();
  assert.equal((await readVerdict(page, 'bundle-out')).verdict, 'fail');
  await look('bundle failed');
  await page.goto(new URL('#box', ctx.url).href);
  await page.getByRole('button', { name: 'Verify the box' }).click();
  const empty = await readVerdict(page, 'box-out');
  assert.equal(empty.verdict, 'error');
  assert.equal(empty.error?.code, 'USAGE');
  assert.match(empty.error?.text ?? '', /give the box's address, or choose or drop its four files/);
  await look('box error');
  assert.deepEqual(found, []);
  // Control: the check finds a violation planted in the page.
  await page.evaluate(() => {
    const img = document.createElement('img');
    img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
    document.querySelector('main')!.append(img);
  });
  assert.ok((await axeViolations(ctx.page)).some((v) => v.startsWith('image-alt')));
});
