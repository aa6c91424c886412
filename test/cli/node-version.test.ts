// On a Node older than sealbox needs, the command says what to install, in
// one line (exit 2), not a syntax error or "run it from the repository".
// The system Node of these machines (/usr/bin/node) is such a Node.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { REPO_ROOT, assertOneCleanLine } from '../helpers/cli.ts';

const SYSTEM_NODE = '/usr/bin/node';
const bin = readFileSync(`${REPO_ROOT}bin/sealbox.js`, 'utf8');
const minimum = /var MINIMUM = \[(\d+), (\d+)\];/.exec(bin)!.slice(1).map(Number);

test("the bin's minimum is package.json's engines", () => {
  const { engines } = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as {
    engines: { node: string };
  };
  const lower = /^>=(\d+)\.(\d+)\.\d+\b/.exec(engines.node);
  assert.ok(lower, `engines.node starts with its minimum: ${engines.node}`);
  assert.deepEqual(minimum, lower.slice(1).map(Number));
});

const systemVersion = existsSync(SYSTEM_NODE)
  ? spawnSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim()
  : undefined;
const older =
  systemVersion !== undefined &&
  (([major, minor]) => major! < minimum[0]! || (major === minimum[0] && minor! < minimum[1]!))(
    systemVersion.split('.').map(Number),
  );

test(
  `an older Node (${SYSTEM_NODE} ${systemVersion ?? 'absent'}) is told what to install`,
  { skip: !older && `${SYSTEM_NODE} is not older than ${minimum.join('.')}` },
  () => {
    for (const args of [['--version'], ['verify', 'x', '--bundle', 'y', '--repo', 'o/r']]) {
      const r = spawnSync(SYSTEM_NODE, [`${REPO_ROOT}bin/sealbox.js`, ...args], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assertOneCleanLine(r.stderr);
      assert.equal(
        r.stderr,
        `sealbox: needs Node.js ${minimum.join('.')} or later (this is v${systemVersion}): install it from https://nodejs.org or with your version manager (e.g. nvm install 24)\n`,
      );
      assert.doesNotMatch(r.stderr, /repository|npm ci/);
    }
  },
);

test('the same bin on this Node runs the command (control)', () => {
  const r = spawnSync(process.execPath, [`${REPO_ROOT}bin/sealbox.js`, '--version'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});
