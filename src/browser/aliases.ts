// The Node built-ins Sigstore's libraries import, and the modules that stand
// in for them in a browser build (web/vite.config.ts and the bundle test use
// this one map).
const here = (name: string) => new URL(name, import.meta.url).pathname;

export const NODE_BUILTIN_STANDINS: Record<string, string> = {
  'node:crypto': here('node-crypto.ts'),
  crypto: here('node-crypto.ts'),
  'node:util': here('node-util.ts'),
  util: here('node-util.ts'),
};
