// Compiles the library's entry points (src/index.ts, src/core.ts,
// src/devstack/index.ts and what they import) to JavaScript and .d.ts in lib/
// (not committed; built by npm ci and by npm pack, shipped in the package):
// Node strips types only outside node_modules, so an installed sealbox needs
// JavaScript. The CLI and the Action are bundled separately (scripts/build.js).
// tsc writes into a scratch folder that then replaces lib/ whole.
import { spawnSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const scratch = join(root, `lib.${process.pid}.tmp`);
try {
  const r = spawnSync(
    process.execPath,
    [tsc, '-p', join(root, 'tsconfig.lib.json'), '--outDir', scratch],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) {
    process.stderr.write('build-lib: tsc failed\n');
    process.exit(1);
  }
  rmSync(join(root, 'lib'), { recursive: true, force: true });
  renameSync(scratch, join(root, 'lib'));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
