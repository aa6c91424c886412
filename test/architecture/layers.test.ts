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

// The modules an entry point loads: its relative imports, followed (type-only
// imports load nothing), and the packages and built-ins they name.
function loadedBy(entry: string): { modules: string[]; specifiers: Map<string, string> } {
  const seen = new Set<string>();
  const specifiers = new Map<string, string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = readFileSync(path, 'utf8');
    const statements = /^(?:import|export)\s+(type\s+)?(?:[^;'"]*?\sfrom\s+)?'([^']+)'/gm;
    for (const [, typeOnly, spec] of text.matchAll(statements)) {
      if (typeOnly) continue;
      if (spec!.startsWith('.')) visit(join(path, '..', spec!));
      else specifiers.set(spec!, path.slice(SRC.length));
    }
  };
  visit(join(SRC, entry));
  return { modules: [...seen], specifiers };
}

const NODE_BOUND =
  /^(node:.*|fs|path|os|crypto|child_process|worker_threads|http|https|net|@sigstore\/(verify|core|tuf|sign|mock))$/;

test('sealbox/core (src/core.ts) loads no Node built-in and no Node-bound Sigstore package', () => {
  const { modules, specifiers } = loadedBy('core.ts');
  assert.ok(modules.length > 20, `the walk followed the core's imports (${modules.length})`);
  const offenders = [...specifiers].filter(([spec]) => NODE_BOUND.test(spec));
  assert.deepEqual(
    offenders.map(([spec, from]) => `${from}: ${spec}`),
    [],
  );
});

test('the same walk finds the Node API (src/index.ts) loading Node built-ins (control)', () => {
  const { specifiers } = loadedBy('index.ts');
  assert.ok([...specifiers.keys()].some((spec) => NODE_BOUND.test(spec)));
});
