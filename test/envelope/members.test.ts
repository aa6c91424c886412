// The member-name scan: what it reports, what it is not fooled by, and that
// it stays linear on text built to make a scanner backtrack or recurse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_DEPTH, scanMembers } from '../../src/envelope/members.ts';

test('repeats and __proto__ are found with their paths; names are read with their escapes', () => {
  assert.deepEqual(scanMembers('{"a": 1, "b": {"c": [1, {"d": 0, "d": 0}]}}'), {
    repeated: '$.b.c[1].d',
  });
  assert.deepEqual(scanMembers('{"x": [{"__proto__": 1}]}'), { proto: '$.x[0].__proto__' });
  assert.deepEqual(scanMembers('{"\\u0061": 1, "a": 2}'), { repeated: '$.a' });
  assert.deepEqual(scanMembers('{"a b": {"a b": 1, "a b": 1}}'), { repeated: '$["a b"]["a b"]' });
  assert.deepEqual(scanMembers('{"__proto__": 1, "__proto__": 1}'), {
    proto: '$.__proto__',
    repeated: '$.__proto__',
  });
});

test('not fooled by strings: braces, commas, quotes and backslashes inside values and names', () => {
  assert.deepEqual(scanMembers('{"a": "{\\"a\\": 1, \\"a\\": 2}", "b": "\\\\", "c": ",{"}'), {});
  assert.deepEqual(scanMembers('{"\\\\": 1, "x\\"": {"\\\\": 2}}'), {});
  assert.deepEqual(scanMembers('["__proto__", {"k": "__proto__"}]'), {}, 'values are not names');
  assert.deepEqual(scanMembers('{"a": {"b": 1}, "b": {"a": 1}}'), {}, 'one object each');
});

test('nesting is bounded before any recursive reader sees the text', () => {
  assert.deepEqual(scanMembers(`${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`), {});
  assert.deepEqual(scanMembers(`${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}`), {
    tooDeep: true,
  });
  assert.deepEqual(scanMembers('{"a":'.repeat(100_000)), { tooDeep: true });
});

test('linear: 4 MB of adversarial text in well under a second each', () => {
  const shapes = {
    'backslashes in one string': `{"a": "${'\\\\'.repeat(2_000_000)}"}`,
    'many members': `{${Array.from({ length: 200_000 }, (_, i) => `"k${i}": 1`).join(',')}}`,
    'one name repeated in many objects': `[${'{"a": 1, "b": 2},'.repeat(200_000)}{}]`,
    'unterminated string': `{"a": "${'x'.repeat(4_000_000)}`,
  };
  for (const [name, text] of Object.entries(shapes)) {
    const start = performance.now();
    scanMembers(text);
    const ms = performance.now() - start;
    assert.ok(ms < 1500, `${name}: ${ms.toFixed(0)} ms`);
  }
});
