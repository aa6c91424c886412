// The web page: a static app (relative paths, so it can be served from any
// directory, GitHub Pages included). Sigstore's libraries call a few Node
// built-ins; they are mapped to src/browser's stand-ins. Three builds, by
// Vite mode (web/vite/csp.ts gives each its Content-Security-Policy):
// - `vite build web`: the published page, web/dist;
// - `vite build web --mode developer`: the developer build, web/dist-developer,
//   which may also talk to a local stack's API on loopback;
// - `vite build web --mode pack`: the page as one file, page/verify.html, for
//   the evidence pack (`sealbox box verify BOX --export DIR`).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { NODE_BUILTIN_STANDINS } from '../src/browser/aliases.ts';
import { pageBuild } from './vite/csp.ts';
import { pagePlugin } from './vite/page-plugin.ts';

const OUT_DIR = { published: 'dist', developer: 'dist-developer', pack: '../page' } as const;

export default defineConfig(({ mode }) => {
  const build = pageBuild(mode);
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    base: './',
    resolve: { alias: NODE_BUILTIN_STANDINS },
    define: { __SEALBOX_PAGE_BUILD__: JSON.stringify(build) },
    plugins: [pagePlugin(build)],
    build: {
      outDir: OUT_DIR[build],
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 2048,
      // One file: no chunk loaded later, no stylesheet of its own, no preload helper.
      ...(build === 'pack'
        ? {
            cssCodeSplit: false,
            modulePreload: false,
            assetsInlineLimit: Number.MAX_SAFE_INTEGER,
            rollupOptions: { output: { codeSplitting: false } },
          }
        : {}),
    },
    server: { host: '127.0.0.1', port: 5173, strictPort: false },
    preview: { host: '127.0.0.1', port: 4173, strictPort: false },
  };
});
