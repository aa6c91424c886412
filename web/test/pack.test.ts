// The evidence pack, opened as a recipient would: `sealbox box verify BOX
// --export DIR`, then DIR/verify.html from file:// in Chromium with no network
// at all. The page trusts the public-good root it carries: a box attested on
// the local stack fails there, even with the stack's root lying in the pack
// (a root is never trusted because it came with the evidence). Once the
// recipient chooses that root themselves, under the developer-mode warning,
// the box verifies, with the CLI's checks, and its result is drawn.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { BOX_FILES, hostComputation } from '../../test/helpers/box-files.ts';
import { sealbox } from '../../test/helpers/cli.ts';
import { useStack } from '../../test/helpers/stack.ts';
import { developerMode, readVerdict, usePage } from './page.ts';

const stack = useStack();
const ctx = usePage({ build: 'file', offline: true });
const REPO = 'demo/sealbox';

async function cliChecks(dir: string, root: string[]) {
  const r = await sealbox(['box', 'verify', dir, '--repo', REPO, ...root, '--format', 'json']);
  return (JSON.parse(r.stdout).checks as { name: string; ok: boolean }[]).map(({ name, ok }) => ({
    name,
    ok,
  }));
}

test('an evidence pack verifies from file://, offline, only under a root the recipient chose', async () => {
  const { page } = ctx;
  const box = await hostComputation(
    stack.stack,
    join(stack.dir, 'box'),
    { name: 'auction', parameters: { type: 'second-price', reveal_bids: true } },
    ['120', '150', '90'],
    4401,
  );
  const pack = join(stack.dir, 'pack');
  const exported = await sealbox([
    'box',
    'verify',
    box.dir,
    '--repo',
    REPO,
    '--trusted-root',
    stack.stack.trustedRootPath,
    '--export',
    pack,
  ]);
  assert.equal(exported.status, 0, exported.stdout + exported.stderr);
  // Someone put the stack's root in the pack, "for convenience".
  copyFileSync(stack.stack.trustedRootPath, join(pack, 'trusted_root.json'));

  await page.goto(pathToFileURL(join(pack, 'verify.html')).href);
  assert.match(page.url(), /^file:\/\/.*\/pack\/verify\.html$/);
  assert.ok(await page.isVisible('.pack-intro'), 'opened from a file, the page says what to do');
  assert.equal(await page.isVisible('#developer-banner'), false);
  // The recipient selects everything in the folder.
  await page.fill('input[name=box-repo]', REPO);
  await page.setInputFiles(
    'input[name=box-files]',
    readdirSync(pack).map((f) => join(pack, f)),
  );
  await page.getByRole('button', { name: 'Verify the box' }).click();
  const red = await readVerdict(page, 'box-out');
  assert.equal(red.verdict, 'fail', JSON.stringify(red));
  assert.deepEqual(
    red.checks,
    await cliChecks(pack, []),
    'the CLI, with its embedded root, agrees',
  );
  assert.ok(red.failed.some((f) => f.name === 'manifest_bundle'));
  const shown = (await page.textContent('#box-out')) ?? '';
  assert.match(shown, /The result is not shown: it did not verify/);
  assert.match(shown, /trusts Sigstore’s public-good root only/);
  assert.match(
    shown,
    /trusted_root\.json: not read\. A trusted root that comes with the evidence is not trusted/,
  );
  assert.match(shown, /verify\.html: not one of the box's four files, not read/);
  await ctx.screenshot('pack-untrusted-root');

  // The recipient chooses the stack's root themselves (their own copy, not the pack's).
  await developerMode(page, 'https://api.github.com', stack.stack.trustedRootPath);
  assert.ok(
    await page.isVisible('#developer-banner'),
    'a chosen root shows the developer-mode warning',
  );
  assert.match(
    (await page.textContent('#developer-banner')) ?? '',
    /Developer mode\. .*Trusted root: trusted_root\.json \(chosen in developer mode\)/,
  );
  await page.goto(pathToFileURL(join(pack, 'verify.html')).href + '#box');
  await page.fill('input[name=box-repo]', REPO);
  await page.setInputFiles(
    'input[name=box-files]',
    BOX_FILES.map((f) => join(pack, f)),
  );
  await page.getByRole('button', { name: 'Verify the box' }).click();
  const green = await readVerdict(page, 'box-out');
  assert.equal(green.verdict, 'pass', JSON.stringify(green));
  assert.deepEqual(
    green.checks,
    await cliChecks(pack, ['--trusted-root', stack.stack.trustedRootPath]),
  );
  assert.equal(await page.textContent('#box-out [data-winner]'), 'participant2');
  assert.equal(await page.textContent('#box-out [data-price]'), '120');
  await ctx.screenshot('pack-verified');

  assert.deepEqual(ctx.offsite, [], 'the page asked for nothing');
  assert.ok(
    !ctx.console.some((l) => /pageerror|Content Security Policy/.test(l)),
    ctx.console.join('\n'),
  );
});
