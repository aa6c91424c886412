// Exact amounts: properties the vectors cannot enumerate, checked on random
// decimals against BigInt arithmetic done another way (string scaling).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  compareAmounts,
  divideRounded,
  formatAmount,
  parseAmount,
  trimSpace,
} from '../../src/box/compute/amount.ts';

const decimal = fc
  .tuple(
    fc.boolean(),
    fc.stringMatching(/^[0-9]{1,40}$/),
    fc.option(fc.stringMatching(/^[0-9]{1,40}$/), { nil: undefined }),
  )
  .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`);

/** The value as an integer count of 10^-80 (every generated decimal has at most 40 fraction digits). */
function scaled(text: string): bigint {
  const [int, frac = ''] = text.replace('-', '').split('.');
  const v = BigInt(int! + frac.padEnd(80, '0'));
  return text.startsWith('-') ? -v : v;
}

test('comparison agrees with integer arithmetic on the scaled values', () => {
  fc.assert(
    fc.property(decimal, decimal, (a, b) => {
      const want = Math.sign(Number(scaled(a) - scaled(b)));
      assert.equal(compareAmounts(parseAmount(a)!, parseAmount(b)!), want);
    }),
    { numRuns: 2000 },
  );
});

test('the canonical form is the same value, and canonical forms are fixed points', () => {
  fc.assert(
    fc.property(decimal, (a) => {
      const text = formatAmount(parseAmount(a)!);
      assert.match(text, /^(0|-?[1-9][0-9]*|-?0\.[0-9]*[1-9]|-?[1-9][0-9]*\.[0-9]*[1-9])$/);
      assert.equal(scaled(text), scaled(a));
      assert.equal(formatAmount(parseAmount(text)!), text);
    }),
    { numRuns: 2000 },
  );
});

test('division rounds half to even, for any sign', () => {
  const cases: [string, bigint, number, string][] = [
    ['1', 8n, 2, '0.12'], // 0.125: 2 is even
    ['3', 8n, 2, '0.38'], // 0.375: 7 is odd
    ['-1', 8n, 2, '-0.12'],
    ['-3', 8n, 2, '-0.38'],
    ['2', 3n, 0, '1'],
    ['5', 2n, 0, '2'],
    ['7', 2n, 0, '4'],
    ['1.2345', 1n, 2, '1.23'], // fewer digits than the value has
    ['1.235', 1n, 2, '1.24'],
    ['1.245', 1n, 2, '1.24'],
  ];
  for (const [a, n, scale, want] of cases)
    assert.equal(formatAmount(divideRounded(parseAmount(a)!, n, scale)), want, `${a}/${n}`);
});

test('trimming is linear in the message: 60,000 spaces around an inner space', () => {
  const message = `1${' '.repeat(30_000)}x${' '.repeat(30_000)}`;
  const start = performance.now();
  for (let i = 0; i < 20; i++) assert.equal(parseAmount(message), undefined);
  assert.equal(trimSpace(`\t ${message}\r\n`), message.trimEnd());
  assert.ok(performance.now() - start < 500, `${performance.now() - start} ms`);
});
