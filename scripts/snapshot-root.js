// Refreshes the embedded public-good trusted root from the TUF seeds that
// Sigstore ships in @sigstore/tuf (the same file its TUF client starts from).
// Usage: node scripts/snapshot-root.js YYYY-MM-DD
// The date is the day the snapshot was taken; `trusted-root show` prints it and
// verification warns when it grows old.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const date = process.argv[2];
if (!/^\d{4}-\d{2}-\d{2}$/.test(date ?? '')) {
  console.error('usage: node scripts/snapshot-root.js YYYY-MM-DD');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const seedsPath = require.resolve('@sigstore/tuf/seeds.json');
const version = JSON.parse(
  readFileSync(require.resolve('@sigstore/tuf/package.json'), 'utf8'),
).version;
const seeds = JSON.parse(readFileSync(seedsPath, 'utf8'));
const mirror = 'https://tuf-repo-cdn.sigstore.dev';
const root = JSON.parse(
  Buffer.from(seeds[mirror].targets['trusted_root.json'], 'base64').toString('utf8'),
);
const out = new URL('../src/sigstore/roots/public-good.json', import.meta.url);
writeFileSync(
  out,
  JSON.stringify(
    { snapshot: { date, source: `@sigstore/tuf@${version} seeds (${mirror})` }, trustedRoot: root },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${out.pathname} (snapshot ${date})`);
