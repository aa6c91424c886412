// The one-file page (verify.html) is reproducible: two builds from the same
// sources give the same bytes, with no trace of where they were built, so a
// recipient's copy can be checked against the file a release attests. It is
// one file whose only script and stylesheet are inline, allowed by their
// hashes in its Content-Security-Policy, and it embeds Sigstore's public-good
// root and no other.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT } from '../helpers/cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sealbox-page-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function build(name: string): string {
  const out = join(scratch, name);
  const r = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      'web',
      '--mode',
      'pack',
      '--outDir',
      out,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return out;
}

const rawBytes = (text: string) =>
  new Set(
    [...text.matchAll(/rawBytes['"`]?:\s*['"`]([A-Za-z0-9+/=]{40,})['"`]/g)].map((m) => m[1]!),
  );

test('two builds of verify.html agree byte for byte, and are one self-contained file', () => {
  const a = build('a');
  const b = build('b');
  assert.deepEqual(readdirSync(a), ['verify.html']);
  assert.deepEqual(readdirSync(b), ['verify.html']);
  const html = readFileSync(join(a, 'verify.html'));
  assert.ok(html.equals(readFileSync(join(b, 'verify.html'))), 'the two builds differ');
  const text = html.toString('utf8');
  assert.ok(!text.includes(REPO_ROOT.replace(/\/$/, '')), 'the build names its checkout');
  assert.ok(!text.includes(scratch), 'the build names its output folder');

  // Nothing is loaded from anywhere: no src= or href= to a file, one inline script, one style.
  assert.doesNotMatch(text, /<script[^>]+src=|<link[^>]+stylesheet/);
  const scripts = [...text.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].map(
    (m) => m[1]!,
  );
  const styles = [...text.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
  assert.equal(scripts.length, 1);
  assert.equal(styles.length, 1);
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(text)![1]!;
  const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
  assert.equal(
    csp,
    `default-src 'none'; script-src ${hash(scripts[0]!)}; style-src ${hash(styles[0]!)}; img-src data:; connect-src https://api.github.com; base-uri 'none'; form-action 'none'`,
  );

  // Trust material: exactly the public-good root's.
  const root = readFileSync(join(REPO_ROOT, 'src/sigstore/roots/public-good.json'), 'utf8');
  const want = rawBytes(root.replace(/"rawBytes":\s*"/g, 'rawBytes:"'));
  assert.ok(want.size >= 5, `the public-good root has ${want.size} keys and certificates`);
  assert.deepEqual(rawBytes(text), want);
});
