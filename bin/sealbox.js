#!/usr/bin/env node
// The sealbox command. Runs the bundled CLI that `npm ci` builds (build/).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `sealbox: needs Node 24 or later, this is ${process.version}; run it with npx from the repository (npm ci installs Node 24)\n`,
  );
  process.exit(2);
}
// V8's on-disk code cache (Node 22.1+): later runs skip compiling the bundle.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
try {
  await import('../build/cli.js');
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('build/')) {
    const { existsSync } = await import('node:fs');
    const built = existsSync(new URL('../build/cli.js', import.meta.url));
    process.stderr.write(
      built
        ? `sealbox: the build in build/ is incomplete (${String(e.message).split('\n')[0]}); run npm run build\n`
        : 'sealbox: not built yet: run npm ci (or npm run build)\n',
    );
    process.exit(2);
  }
  throw e;
}
