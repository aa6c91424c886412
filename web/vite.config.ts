// The web page: a static app built to web/dist (relative paths, so it can be
// served from any directory, GitHub Pages included). Sigstore's libraries call
// a few Node built-ins; they are mapped to src/browser's stand-ins.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { NODE_BUILTIN_STANDINS } from '../src/browser/aliases.ts';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: NODE_BUILTIN_STANDINS },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173, strictPort: false },
});
