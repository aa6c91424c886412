// InferenceBench's content hash is Python's json.dumps; these tests hold our
// port to Python itself: unit cases, then random bodies hashed by python3's
// json module (present on every machine here) and by us.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  compareCodePoints,
  parseLossless,
  pythonDumps,
  pythonFloat,
  pythonNumber,
  pythonString,
} from '../../src/envelope/python-json.ts';

test('floats as Python repr writes them', () => {
  const cases: [number, string][] = [
    [1842, '1842.0'],
    [1.5, '1.5'],
    [0.1, '0.1'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [1.5e300, '1.5e+300'],
    [-0, '-0.0'],
    [5e-324, '5e-324'],
    [Number('123456789.123456789'), '123456789.12345679'], // the literal's precision is the point
    [1e21, '1e+21'],
    [Infinity, 'Infinity'],
    [-1.25e-7, '-1.25e-07'],
    [Number('12345678901234567'), '1.2345678901234568e+16'],
  ];
  for (const [x, want] of cases) assert.equal(pythonFloat(x), want, String(x));
});

test('number lexemes: ints exact however large, floats by repr', () => {
  assert.equal(pythonNumber('9007199254740993'), '9007199254740993');
  assert.equal(pythonNumber('-0'), '0');
  assert.equal(pythonNumber('-0.0'), '-0.0');
  assert.equal(pythonNumber('1.50'), '1.5');
  assert.equal(pythonNumber('1E5'), '100000.0');
  assert.equal(pythonNumber('1e400'), 'Infinity');
});

test('keys sort by code point, not by UTF-16 unit', () => {
  const keys = ['\uffff', '\u{1F600}', 'a', 'B'];
  assert.deepEqual([...keys].sort(compareCodePoints), ['B', 'a', '\uffff', '\u{1F600}']);
  assert.notDeepEqual([...keys].sort(), [...keys].sort(compareCodePoints));
});

test('repeated member names are refused rather than guessed, even with equal values', () => {
  assert.throws(() => parseLossless('{"a": 1, "a": 2}', 'x'), /repeats the member name at \$\.a/);
  assert.throws(() => parseLossless('{"a": 1, "a": 1}', 'x'), /repeats the member name at \$\.a/);
  assert.throws(
    () => parseLossless('{"m": [0, {"b": {}, "\\u0062": {}}]}', 'x'),
    /repeats the member name at \$\.m\[1\]\.b/,
  );
  assert.deepEqual(Object.keys(parseLossless('{"a": {"a": 1}, "b": {"a": 1}}', 'x') as object), [
    'a',
    'b',
  ]);
});

// Python's reference: one process hashes every case (one JSON text per line, as JSON strings).
function pythonHashes(texts: string[]): string[] {
  const script = [
    'import sys, json, hashlib',
    'for line in sys.stdin:',
    '    body = json.loads(json.loads(line))',
    '    print(hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest())',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], {
    input: texts.map((t) => JSON.stringify(t)).join('\n') + '\n',
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

// Number lexemes as people and programs write them.
const lexeme = fc
  .oneof(
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
    fc.integer().map(String),
    fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .chain((x) =>
        fc.constantFrom(
          String(x).replace('Infinity', '1e400'),
          x.toExponential(),
          x.toExponential().toUpperCase(),
          Number.isFinite(x) && Math.abs(x) < 1e20 ? x.toFixed(3) : String(x),
          `${Math.trunc(x)}.0`,
          `${String(x)}${String(x).includes('e') || !String(x).includes('.') ? '' : '00'}`,
        ),
      ),
    fc.constantFrom(
      '-0',
      '-0.0',
      '0.0',
      '1.50',
      '1E5',
      '1e16',
      '5e-324',
      '1e-7',
      '123456789.123456789',
    ),
  )
  .filter((l) => /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(l));
const text = fc.string({
  unit: fc.oneof(
    fc.constant('\u{1F600}'),
    fc.constant('\uffff'),
    fc.constant('é'),
    fc.constant('\u007f'),
    fc.constant('"'),
    fc.constant('\\'),
    fc.constant('/'),
    fc.string({ minLength: 1, maxLength: 1 }),
    fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
    fc
      .integer({ min: 0x80, max: 0xffff })
      .filter((c) => c < 0xd800 || c > 0xdfff)
      .map((c) => String.fromCharCode(c)),
  ),
});
const jsonText: fc.Arbitrary<string> = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: 3 },
    lexeme,
    text.map((s) => JSON.stringify(s)),
    fc.constantFrom('true', 'false', 'null'),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
  object: fc
    .uniqueArray(fc.tuple(text, tie('value')), { maxLength: 5, selector: ([k]) => k })
    .map((kvs) => `{${kvs.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`),
})).object as fc.Arbitrary<string>;

test('random bodies: our hash equals Python json.dumps hash (property, 600 cases)', () => {
  const samples = fc.sample(jsonText, { numRuns: 600, seed: 20261122 });
  const expected = pythonHashes(samples);
  samples.forEach((t, i) => {
    const ours = createHash('sha256')
      .update(pythonDumps(parseLossless(t, 'sample')))
      .digest('hex');
    assert.equal(ours, expected[i], `case ${i}: ${t}`);
  });
});

// The general rules, as written before the fast paths: the reference they must equal.
function generalString(s: string): string {
  const short: Record<string, string> = {
    '"': '\\"',
    '\\': '\\\\',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\b': '\\b',
    '\f': '\\f',
  };
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (short[s[i]!]) out += short[s[i]!];
    else if (code >= 0x20 && code <= 0x7e) out += s[i];
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out + '"';
}

test('the fast paths (plain strings, int lexemes, names without surrogates) equal the general rules', () => {
  const strings = [
    ...fc.sample(text, { numRuns: 3000, seed: 7 }),
    ...['', 'plain words', 'a"b', 'a\\b', '\u007f', '\u001f', ' ~!#[]', '\ud800', 'x\udfffy'],
  ];
  for (const s of strings) assert.equal(pythonString(s), generalString(s), JSON.stringify(s));
  const ints = fc.sample(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), {
    numRuns: 2000,
    seed: 8,
  });
  for (const n of [...ints.map(String), '0', '-0', '-1'])
    assert.equal(pythonNumber(n), BigInt(n).toString(), n);
  const nameSets = fc.sample(fc.uniqueArray(text, { maxLength: 8 }), { numRuns: 1000, seed: 9 });
  for (const names of nameSets) {
    const body = Object.fromEntries(names.map((k) => [k, null]));
    const want = `{${[...names]
      .sort(compareCodePoints)
      .map((k) => `${generalString(k)}:null`)
      .join(',')}}`;
    assert.equal(pythonDumps(body), want, JSON.stringify(names));
  }
});
