// Bundles the CLI into dist/ with esbuild: one small entry and lazily loaded
// chunks per command, so start-up parses only what the command needs.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/index.ts', 'batch-worker': 'src/node/batch-worker.ts' },
  outdir: 'dist',
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
