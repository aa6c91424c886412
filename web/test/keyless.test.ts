// Keyless envelopes signed on the local stack, in both formats, verified in
// the page (developer mode: the stack's root) under a repository or an
// identity pattern: the CLI's verdicts and failing checks, including for a
// body changed after signing and for the wrong signer.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sealbox } from '../../test/helpers/cli.ts';
import { useStack } from '../../test/helpers/stack.ts';
import { writeUnsignedEnvelope } from '../../test/helpers/envelope.ts';
import { developerMode, readVerdict, usePage } from './page.ts';

const stack = useStack();
const ctx = usePage();
test('keyless envelopes, both formats: the CLI verdicts in the browser', async () => {
  const { page } = ctx;
  const root = ['--trusted-root', stack.stack.trustedRootPath];
  const files: string[] = [];
  for (const format of ['sealbox', 'inferencebench']) {
    const input = writeUnsignedEnvelope(join(stack.dir, `${format}.json`));
    const out = join(stack.dir, `${format}.signed.json`);
    const s = await sealbox(
      ['envelope', 'sign', input, '--keyless', '--format-out', format, '-o', out],
      stack.stack.env(),
    );
    assert.equal(s.status, 0, s.stderr);
    const changed = join(stack.dir, `${format}.changed.json`);
    writeFileSync(changed, readFileSync(out, 'utf8').replace('"tps": 1842.0', '"tps": 1843.0'));
    files.push(out, changed);
  }
  const policies = [
    { fields: { 'envelope-repo': 'demo/sealbox' }, cli: ['--repo', 'demo/sealbox'] },
    {
      fields: { 'envelope-identity': '^https://github\\.com/other/' },
      cli: ['--require-identity-pattern', '^https://github\\.com/other/'],
    },
  ];
  await developerMode(page, stack.stack.githubApiUrl, stack.stack.trustedRootPath);
  await page.goto(new URL('#envelope', ctx.url).href);
  const seenVerdicts: string[] = [];
  for (const file of files) {
    for (const p of policies) {
      await page.setInputFiles('input[name=envelope-file]', file);
      await page.setInputFiles('input[name=envelope-anchors]', []);
      for (const name of ['envelope-repo', 'envelope-identity'])
        await page.fill(`input[name=${name}]`, p.fields[name as keyof typeof p.fields] ?? '');
      await page.getByRole('button', { name: 'Verify the envelope' }).click();
      const seen = await readVerdict(page, 'envelope-out');
      const r = await sealbox(['envelope', 'verify', file, ...p.cli, ...root, '--format', 'json']);
      const cli = JSON.parse(r.stdout) as {
        ok: boolean;
        checks: { name: string; ok: boolean; code: string }[];
      };
      assert.equal(seen.verdict === 'pass', cli.ok, `${file} ${p.cli}`);
      assert.deepEqual(
        seen.failed.map((f) => `${f.name} ${/\(([A-Z_]+)\)/.exec(f.outcome)?.[1]}`),
        cli.checks.filter((c) => !c.ok).map((c) => `${c.name} ${c.code}`),
        `${file} ${p.cli}`,
      );
      seenVerdicts.push(`${file.slice(stack.dir.length + 1)} ${p.cli[0]} ${seen.verdict}`);
      if (seen.verdict === 'pass' && file.includes('sealbox.signed'))
        await ctx.screenshot('envelope-keyless-verified');
    }
  }
  // Only the unchanged envelopes under the right signer pass.
  assert.deepEqual(
    seenVerdicts.filter((v) => v.endsWith('pass')),
    ['sealbox.signed.json --repo pass', 'inferencebench.signed.json --repo pass'],
  );
  assert.deepEqual(ctx.offsite, []);
});
