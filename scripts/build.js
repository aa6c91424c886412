// Bundles the CLI into dist/ with esbuild: one small entry and lazily loaded
// chunks per command, so start-up parses only what the command needs.
// Each file is written beside its place and renamed into it, and only then
// are stale files removed: a sealbox process started during a rebuild never
// sees a missing or half-written file.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli/index.ts', 'batch-worker': 'src/node/batch-worker.ts' },
  outdir,
  write: false,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies that require() Node built-ins need a require in ESM.
  banner: {
    js: "import { createRequire as __sealboxRequire } from 'node:module'; const require = __sealboxRequire(import.meta.url);",
  },
  // Chunks live in dist/chunks; the worker entry beside the CLI's.
  define: { __SEALBOX_BATCH_WORKER__: JSON.stringify('../batch-worker.js') },
  logLevel: 'warning',
});

const written = new Set();
for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
  written.add(relative(outdir, file.path));
}
for (const entry of readdirSync(outdir, { recursive: true, withFileTypes: true })) {
  const path = join(entry.parentPath, entry.name);
  if (entry.isFile() && !written.has(relative(outdir, path))) rmSync(path, { force: true });
}
