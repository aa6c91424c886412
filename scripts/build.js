// Bundles sealbox with esbuild:
// - build/ (not committed): the CLI, one small entry and lazily loaded chunks
//   per command, so start-up parses only what the command needs;
// - dist/index.js (committed, as GitHub Actions run it): the Action, one
//   self-contained file. CI rebuilds it and requires the same bytes.
// Each file is written beside its place and renamed into it, and only then
// are stale files removed: a process started during a rebuild never sees a
// missing or half-written file.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const common = {
  absWorkingDir: root,
  write: false,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minifySyntax: true,
  minifyWhitespace: true,
  // CommonJS dependencies that require() Node built-ins need a require in ESM.
  banner: {
    js: "import { createRequire as __sealboxRequire } from 'node:module'; const require = __sealboxRequire(import.meta.url);",
  },
  logLevel: 'warning',
};

function emit(result, outdir) {
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
  const dirs = readdirSync(outdir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(e.parentPath, e.name))
    .sort((a, b) => b.length - a.length);
  for (const dir of dirs) if (!readdirSync(dir).length) rmSync(dir, { recursive: true });
}

const cliDir = join(root, 'build');
emit(
  await build({
    ...common,
    entryPoints: { cli: 'src/cli/index.ts', 'batch-worker': 'src/node/batch-worker.ts' },
    outdir: cliDir,
    splitting: true,
    legalComments: 'linked',
    chunkNames: 'chunks/[name]-[hash]',
    // Chunks live in build/chunks; the worker entry beside the CLI's.
    define: { __SEALBOX_BATCH_WORKER__: JSON.stringify('../batch-worker.js') },
  }),
  cliDir,
);

const actionDir = join(root, 'dist');
emit(
  await build({
    ...common,
    entryPoints: { index: 'src/action/main.ts' },
    outdir: actionDir,
    legalComments: 'linked',
    // The Action never verifies batches; the constant only has to exist.
    define: { __SEALBOX_BATCH_WORKER__: JSON.stringify('./batch-worker.js') },
  }),
  actionDir,
);
