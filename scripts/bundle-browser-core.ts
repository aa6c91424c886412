// Bundles the browser's entry to the core (src/browser/index.ts) for a
// browser, as the web build does (Node built-ins mapped to src/browser's
// stand-ins), into one ESM file. Used by the tests and the benchmark that
// run the browser core without a browser.
import { build } from 'esbuild';
import { NODE_BUILTIN_STANDINS } from '../src/browser/aliases.ts';

export async function bundleBrowserCore(outfile: string): Promise<string> {
  await build({
    entryPoints: [new URL('../src/browser/index.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile,
    alias: NODE_BUILTIN_STANDINS,
    logLevel: 'silent',
  });
  return outfile;
}
