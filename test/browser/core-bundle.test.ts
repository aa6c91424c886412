// The browser's entry to the core, bundled for a browser as the web build
// does it (Node built-ins mapped to src/browser's stand-ins): nothing of Node
// is left in it, and run here it gives every conformance case the verdict
// and failing checks the Node build gives. (The web tests repeat the cases in
// Chromium; this runs without a browser, in npm test.)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { NODE_BUILTIN_STANDINS } from '../../src/browser/aliases.ts';
import { bundleBrowserCore } from '../../scripts/bundle-browser-core.ts';
import { verifyBundle as nodeVerifyBundle } from '../../src/adapters/verify-bundle.ts';
import { conformanceCases } from '../helpers/conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'sealbox-browser-core-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const bundle = () => bundleBrowserCore(join(dir, 'core.js'));

test('the browser core bundles with no Node built-in left', async () => {
  const text = readFileSync(await bundle(), 'utf8');
  assert.doesNotMatch(text, /\brequire\(["'](node:)?[a-z_]+["']\)/);
  assert.doesNotMatch(text, /from ["']node:/);
});

test('a Node import reaching the browser core fails the bundle (control)', async () => {
  await assert.rejects(
    build({
      stdin: { contents: "import { readFileSync } from 'node:fs'; readFileSync('x');" },
      bundle: true,
      platform: 'browser',
      write: false,
      alias: NODE_BUILTIN_STANDINS,
      logLevel: 'silent',
    }),
  );
});

test('the browser core gives every conformance case the Node verdict and failing checks', async () => {
  const core = (await import(pathToFileURL(await bundle()).href)) as {
    verifyBundle: typeof nodeVerifyBundle;
  };
  const outcome = async (
    verify: typeof nodeVerifyBundle,
    c: ReturnType<typeof conformanceCases>[number],
  ) => {
    try {
      const r = await verify(
        readFileSync(c.bundle, 'utf8'),
        new Uint8Array(readFileSync(c.artifact)),
        c.key
          ? { key: readFileSync(c.key, 'utf8') }
          : { certIdentity: c.identity, certOidcIssuer: c.issuer },
        { trustedRoot: c.trustedRoot ? readFileSync(c.trustedRoot, 'utf8') : undefined },
      );
      return `${r.ok} ${r.checks.filter((x) => !x.ok).map((x) => `${x.name}:${x.code}`)}`;
    } catch (e) {
      return `refused ${(e as { code?: string }).code}`;
    }
  };
  const differ: string[] = [];
  let passed = 0;
  for (const c of conformanceCases()) {
    const [browser, nodeBuild] = [
      await outcome(core.verifyBundle, c),
      await outcome(nodeVerifyBundle, c),
    ];
    if (browser !== nodeBuild) differ.push(`${c.name}: browser ${browser} / node ${nodeBuild}`);
    if (browser.startsWith('true') !== c.shouldPass)
      differ.push(`${c.name}: expected ${c.shouldPass}`);
    if (browser.startsWith('true')) passed++;
  }
  assert.deepEqual(differ, []);
  assert.ok(passed > 10, `${passed} passed`);
});
