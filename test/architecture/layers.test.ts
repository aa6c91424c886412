// The layers: protocol, policy and envelope code run in a browser too, so
// they use no Node API and take the Sigstore verifier as an injected
// dependency. Node specifics live in src/node and src/cli.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const SRC = new URL('../../src/', import.meta.url).pathname;
const PORTABLE = [
  'policy',
  'sigstore',
  'envelope',
  'box',
  'errors.ts',
  'check.ts',
  'bounded-json.ts',
  'bytes.ts',
];
// Node-only modules, and Sigstore packages that need node:crypto at load.
const FORBIDDEN =
  /from '(node:[^']+|fs|path|os|crypto|child_process|@sigstore\/verify|@sigstore\/core|@sigstore\/tuf|@sigstore\/sign|\.\.\/node\/[^']+|\.\.\/cli\/[^']+)'/;

function files(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path).flatMap((f) => files(join(path, f)));
}

test('portable modules import no Node API and no Node-bound Sigstore package', () => {
  const offenders: string[] = [];
  for (const f of PORTABLE.flatMap((p) => files(join(SRC, p))).filter((f) => f.endsWith('.ts'))) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (FORBIDDEN.test(line) && !/^\s*import type /.test(line))
        offenders.push(`${f.slice(SRC.length)}: ${line.trim()}`);
    }
    if (/\b(Buffer|process)\./.test(readFileSync(f, 'utf8')))
      offenders.push(`${f.slice(SRC.length)}: uses Buffer or process`);
  }
  assert.deepEqual(offenders, []);
});

test('the rule would catch a Node import (control)', () => {
  const nodeFile = readFileSync(join(SRC, 'node/files.ts'), 'utf8');
  assert.ok(nodeFile.split('\n').some((line) => FORBIDDEN.test(line)));
});

test('the web page reaches the core only through src/browser', () => {
  const WEB = new URL('../../web/src/', import.meta.url).pathname;
  const offenders: string[] = [];
  let seen = 0;
  for (const f of files(WEB).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/from '([^']+)'|import '([^']+)'/g)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.includes('/src/')) continue;
      seen++;
      if (!/\/src\/browser\/(index|globals)\.ts$/.test(spec))
        offenders.push(`${f.slice(WEB.length)}: ${spec}`);
    }
  }
  assert.ok(seen > 3, 'the rule found the page importing the core (control)');
  assert.deepEqual(offenders, []);
});
