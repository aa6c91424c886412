// What keeps `sealbox verify`'s start-up small (bench/startup.js measures it):
// schemas use zod/mini; one module importing zod's classic API puts all of
// zod (about 500 kB) into the chunk shared with the core's zod/mini schemas,
// which every verification loads.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const SRC = new URL('../../src/', import.meta.url).pathname;
const CLASSIC_ZOD = /from '(zod|zod\/v4|zod\/v3)'/;

test('sources import zod as zod/mini only', () => {
  const sources = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  );
  const zodMini = sources.filter((f) => readFileSync(join(SRC, f), 'utf8').includes("'zod/mini'"));
  assert.ok(zodMini.length > 3, `zod/mini found in ${zodMini.length} modules (control)`);
  const offenders = sources.filter((f) => CLASSIC_ZOD.test(readFileSync(join(SRC, f), 'utf8')));
  assert.deepEqual(offenders, []);
});

test('the rule catches a classic import (control)', () => {
  assert.ok(CLASSIC_ZOD.test("import { z } from 'zod';"));
  assert.ok(!CLASSIC_ZOD.test("import * as z from 'zod/mini';"));
});
