#!/usr/bin/env node
// The sealbox command: runs the bundled CLI in build/ (shipped in the package;
// in a clone, npm ci builds it). Written in syntax that old Node versions
// still parse (no top-level await, no optional chaining), so that they get
// the line below instead of a syntax error. The minimum is package.json's
// engines (a test keeps the two equal).
var MINIMUM = [24, 15];
var version = process.versions.node.split('.').map(Number);
if (version[0] < MINIMUM[0] || (version[0] === MINIMUM[0] && version[1] < MINIMUM[1])) {
  process.stderr.write(
    'sealbox: needs Node.js ' +
      MINIMUM.join('.') +
      ' or later (this is ' +
      process.version +
      '): install it from https://nodejs.org or with your version manager (e.g. nvm install 24)\n',
  );
  process.exit(2);
}

// V8's on-disk code cache: later runs skip compiling the bundle.
process.getBuiltinModule('node:module').enableCompileCache();
import('../build/cli.js').catch(function (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('build/')) {
    return import('node:fs').then(function (fs) {
      var built = fs.existsSync(new URL('../build/cli.js', import.meta.url));
      process.stderr.write(
        built
          ? 'sealbox: the build in build/ is incomplete (' +
              String(e.message).split('\n')[0] +
              '); run npm run build\n'
          : 'sealbox: not built yet: run npm ci (or npm run build)\n',
      );
      process.exit(2);
    });
  }
  throw e;
});
