// The sigstore-conformance bundle cases, verified in the page (Debian's
// chromium), must get the CLI's verdicts: the same pass or fail, the same
// failing checks with the same codes, and the same refusals of bad input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conformanceCases, verifyBundleArgs } from '../../test/helpers/conformance.ts';
import { sealbox } from '../../test/helpers/cli.ts';
import { inPageTerms } from '../src/terms.ts';
import { developerMode, publicDefaults, readVerdict, usePage } from './page.ts';

const ctx = usePage();

/** What a refusal is about: its text up to the reason, file paths reduced to file names. */
const subject = (line: string) =>
  line
    .replace(/^(sealbox|Could not check): /, '')
    .replace(/\/\S+\//g, '')
    .split(': ')[0];

async function cli(c: ReturnType<typeof conformanceCases>[number]) {
  const r = await sealbox([...verifyBundleArgs(c), '--format', 'json']);
  if (r.status === 2) return { status: 2, failed: [], error: r.stderr.trim() };
  const json = JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; code?: string }[] };
  return {
    status: r.status,
    failed: json.checks.filter((x) => !x.ok).map((x) => `${x.name} ${x.code}`),
    error: '',
  };
}

test('every conformance case gets the CLI verdict in the browser', async () => {
  const cases = conformanceCases();
  assert.ok(cases.length >= 45, `only ${cases.length} cases found`);
  const { page } = ctx;
  // Whom the page trusts never comes from its URL.
  await page.goto(
    `${ctx.url}?api=http://127.0.0.1:9/x&apiUrl=http://127.0.0.1:9/x&trustedRoot=x#bundle`,
  );
  assert.equal(await page.isVisible('#developer-banner'), false);
  assert.match(
    (await page.textContent('footer')) ?? '',
    /go to https:\/\/api\.github\.com .*Sigstore public-good/,
  );
  let rootInUse: string | undefined = 'unset';
  const mismatches: string[] = [];
  let passes = 0;
  for (const c of cases) {
    if (c.trustedRoot !== rootInUse) {
      if (c.trustedRoot) await developerMode(page, 'https://api.github.com', c.trustedRoot);
      else await publicDefaults(page);
      rootInUse = c.trustedRoot;
    }
    await page.goto(new URL('#bundle', ctx.url).href);
    await page.setInputFiles('input[name=bundle-file]', c.bundle);
    await page.setInputFiles('input[name=bundle-artifact]', c.artifact);
    await page.setInputFiles('input[name=bundle-key]', c.key ? [c.key] : []);
    await page.fill('input[name=bundle-identity]', c.key ? '' : c.identity);
    await page.fill('input[name=bundle-issuer]', c.key ? '' : c.issuer);
    await page.getByRole('button', { name: 'Verify the bundle' }).click();
    const seen = await readVerdict(page, 'bundle-out');
    const want = await cli(c);
    if (seen.verdict === 'pass') passes++;
    const pageStatus = seen.verdict === 'pass' ? 0 : seen.verdict === 'fail' ? 1 : 2;
    const pageFailed = seen.failed.map((f) => `${f.name} ${/\(([A-Z_]+)\)/.exec(f.outcome)?.[1]}`);
    const same =
      pageStatus === want.status &&
      JSON.stringify(pageFailed) === JSON.stringify(want.failed) &&
      // A refusal names the same input as the CLI's one line (the reason's
      // wording may come from another library: OpenSSL's against noble's).
      // The page names its fields where the CLI names its flags.
      (want.status !== 2 || subject(seen.error!.text) === subject(inPageTerms(want.error)));
    if (!same)
      mismatches.push(
        `${c.name}: page ${pageStatus} ${JSON.stringify(pageFailed)} ${seen.error?.text ?? ''} / cli ${want.status} ${JSON.stringify(want.failed)} ${want.error}`,
      );
    // The verdict agrees with the case's own expectation, too.
    if ((pageStatus === 0) !== c.shouldPass)
      mismatches.push(`${c.name}: expected ${c.shouldPass ? 'pass' : 'fail'}`);
    if (c.name === 'happy-path-v0.3') await ctx.screenshot('bundle-verified');
    if (c.name === 'signature-mismatch_fail') await ctx.screenshot('bundle-failed');
  }
  assert.deepEqual(mismatches, []);
  assert.ok(passes > 10 && passes < cases.length, `passes: ${passes}`);
  assert.deepEqual(ctx.offsite, [], 'the page asked for nothing outside 127.0.0.1');
  assert.ok(
    !ctx.console.some((l) => l.startsWith('pageerror')),
    `page errors: ${ctx.console.join('\n')}`,
  );
});
