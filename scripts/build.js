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
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

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

// An `import ... from 'node:x'` makes Node build an ES module facade of the
// built-in that reads every export, and reading some loads much of Node for
// nothing (node:util's loads the worker and diff modules, node:process's the
// REPL history): a few milliseconds at every start. For the CLI, each such
// import gets a small module over process.getBuiltinModule whose unused
// exports esbuild drops. require() calls make no facade and are left alone.
// commander's child_process, needed only for executable subcommands (sealbox
// has none), loads on first use.
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const builtinImports = {
  name: 'builtin-imports',
  setup(b) {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    b.onResolve({ filter: /^[a-z_:/0-9]+$/ }, (args) => {
      if (!builtins.has(args.path) || args.kind !== 'import-statement') return undefined;
      const name = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
      const lazy = name === 'node:child_process' && /node_modules\/commander\//.test(args.importer);
      // One small module per importer, so it lands in the importer's chunk (a
      // module shared by several would become a chunk of its own to load).
      return {
        path: `${name}?${args.importer}`,
        namespace: lazy ? 'lazy-builtin' : 'builtin',
        pluginData: name,
      };
    });
    const names = (path) =>
      Object.keys(require(path)).filter((k) => IDENTIFIER.test(k) && k !== 'default');
    const load = (path) => `const load = () => process.getBuiltinModule(${JSON.stringify(path)});`;
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, ({ pluginData: name }) => ({
      contents: [
        load(name),
        'export default /* @__PURE__ */ load();',
        ...names(name).map((k) => `export const ${k} = /* @__PURE__ */ (() => load().${k})();`),
      ].join('\n'),
      loader: 'js',
    }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, ({ pluginData: name }) => ({
      contents: `${load(name)}\nexport default { ${names(name)
        .map((k) => `get ${k}() { return load().${k}; }`)
        .join(', ')} };`,
      loader: 'js',
    }));
  },
};

const cliDir = join(root, 'build');
emit(
  await build({
    ...common,
    // As common's, without importing node:module (whose facade loads more of Node).
    banner: {
      js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);",
    },
    plugins: [builtinImports],
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
