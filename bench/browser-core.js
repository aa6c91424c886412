// The browser's Sigstore verification: the core bundled for a browser (as the
// web build does, node:crypto mapped to the noble stand-ins), run here on
// Node, against the baseline of the same core on node:crypto (OpenSSL).
// Each verifies the same real bundles (sigstore-conformance happy paths,
// keyless, Rekor v1 and v2) a few hundred times; the verdicts must agree.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { verifyBundle as nodeVerify } from '../src/adapters/verify-bundle.ts';
import { bundleBrowserCore } from '../scripts/bundle-browser-core.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 200);
const dir = new URL('../../shared/fixtures/sigstore-conformance/', import.meta.url).pathname;
const IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const cases = ['happy-path-v0.3', 'rekor2-happy-path', 'intoto-with-custom-trust-root'].map(
  (name) => {
    const file = (f) => join(dir, name, f);
    let root;
    try {
      root = readFileSync(file('trusted_root.json'), 'utf8');
    } catch {
      root = undefined;
    }
    let artifact;
    try {
      artifact = readFileSync(file('artifact'));
    } catch {
      artifact = readFileSync(join(dir, 'a.txt'));
    }
    return { name, bundle: readFileSync(file('bundle.sigstore.json'), 'utf8'), artifact, root };
  },
);

const scratch = mkdtempSync(join(tmpdir(), 'sealbox-bench-browser-'));
const outfile = join(scratch, 'core.js');
await bundleBrowserCore(outfile);
const browserCore = await import(pathToFileURL(outfile).href);

async function time(verify) {
  const policy = {
    certIdentity: IDENTITY,
    certOidcIssuer: 'https://token.actions.githubusercontent.com',
  };
  // One warm-up round (key parsing, trust material), then the timed rounds.
  for (const c of cases)
    await verify(c.bundle, new Uint8Array(c.artifact), policy, { trustedRoot: c.root });
  const t = performance.now();
  for (let i = 0; i < rounds; i++)
    for (const c of cases) {
      const r = await verify(c.bundle, new Uint8Array(c.artifact), policy, { trustedRoot: c.root });
      if (!r.ok) throw new Error(`${c.name} did not verify`);
    }
  return (performance.now() - t) / (rounds * cases.length);
}

const baseline = await time(nodeVerify);
const browser = await time(browserCore.verifyBundle);
rmSync(scratch, { recursive: true, force: true });
console.log(`bundles: ${cases.map((c) => c.name).join(', ')}; ${rounds} rounds`);
console.log(`baseline, core on node:crypto (OpenSSL): ${baseline.toFixed(2)} ms a bundle`);
console.log(
  `browser core on the noble stand-ins:     ${browser.toFixed(2)} ms a bundle = ${(browser / baseline).toFixed(2)}x`,
);
