// Envelopes verified in the page get the CLI's verdicts: the real
// InferenceBench envelopes against their anchor, envelopes signed by other
// keys, and the Python-compatibility vectors, valid and tampered. The page
// hashes with the same code as the CLI, so the content hashes agree too.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SHARED, sealbox } from '../../test/helpers/cli.ts';
import { readVerdict, usePage } from './page.ts';

const ctx = usePage();
const IB = join(SHARED, 'fixtures/inferencebench');
const VECTORS = join(SHARED, 'fixtures/envelope-vectors');

const json = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));

test('envelopes: the CLI verdicts, checks and content hashes, in the browser', async () => {
  const { page } = ctx;
  const cases = [
    ...json(join(IB, 'envelopes')).map((file) => ({
      file,
      anchor: join(IB, 'cosign-2026-05-18-marathon.pub'),
    })),
    ...json(join(IB, 'other-keys')).map((file) => ({
      file,
      anchor: join(IB, 'cosign-2026-05-18-marathon.pub'),
    })),
    ...json(join(VECTORS, 'valid')).map((file) => ({ file, anchor: join(VECTORS, 'signer.pub') })),
    ...json(join(VECTORS, 'tampered')).map((file) => ({
      file,
      anchor: join(VECTORS, 'signer.pub'),
    })),
  ];
  assert.ok(cases.length >= 30, `${cases.length} envelopes`);
  const expected = JSON.parse(readFileSync(join(IB, 'expected-content-hashes.json'), 'utf8'));
  const mismatches: string[] = [];
  const verdicts = { pass: 0, fail: 0 };
  await page.goto(new URL('#envelope', ctx.url).href);
  for (const c of cases) {
    await page.setInputFiles('input[name=envelope-file]', c.file);
    await page.setInputFiles('input[name=envelope-anchors]', c.anchor);
    await page.getByRole('button', { name: 'Verify the envelope' }).click();
    const seen = await readVerdict(page, 'envelope-out');
    const hash = await page.getAttribute('#envelope-out [data-content-hash]', 'data-content-hash');
    const r = await sealbox([
      'envelope',
      'verify',
      c.file,
      '--dev-public-key',
      c.anchor,
      '--format',
      'json',
    ]);
    const cli = JSON.parse(r.stdout) as {
      ok: boolean;
      content_hash: string;
      checks: { name: string; ok: boolean; code: string }[];
    };
    const pageFailed = seen.failed.map((f) => `${f.name} ${/\(([A-Z_]+)\)/.exec(f.outcome)?.[1]}`);
    const cliFailed = cli.checks.filter((x) => !x.ok).map((x) => `${x.name} ${x.code}`);
    if (
      (seen.verdict === 'pass') !== cli.ok ||
      r.status !== (cli.ok ? 0 : 1) ||
      hash !== cli.content_hash ||
      JSON.stringify(pageFailed) !== JSON.stringify(cliFailed)
    )
      mismatches.push(
        `${c.file}: page ${seen.verdict} ${hash} ${pageFailed} / cli ${cli.ok} ${cli.content_hash} ${cliFailed}`,
      );
    const name = c.file.slice(IB.length + 1);
    if (expected[name] && hash !== expected[name])
      mismatches.push(`${name}: hash ${hash}, expected ${expected[name]}`);
    verdicts[seen.verdict === 'pass' ? 'pass' : 'fail']++;
    if (c.file.includes('/tampered/') && verdicts.fail === 3)
      await ctx.screenshot('envelope-failed');
  }
  assert.deepEqual(mismatches, []);
  // Upstream's 10 and the 12 valid vectors pass; the other keys and the tampered fail.
  assert.deepEqual(verdicts, { pass: 22, fail: cases.length - 22 });
  assert.deepEqual(ctx.offsite, []);
});
