// The page orders revealed bids by their exact decimal amounts (result v1.1
// writes amounts as strings, up to 100 digits), never through a float.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareAmounts } from '../src/result.ts';

test('amounts compare exactly, beyond 2^53, with signs, fractions and v1 numbers', () => {
  const big = '90071992547409931';
  const bigger = '90071992547409932';
  assert.equal(Number(big), Number(bigger), 'control: as floats they are equal');
  assert.equal(compareAmounts(bigger, big), 1);
  assert.equal(compareAmounts(big, bigger), -1);
  const ordered = [
    '-12.5',
    '-12',
    '-0.5',
    '0',
    '0.05',
    '0.5',
    '9',
    '10',
    '10.01',
    120,
    big,
    bigger,
  ];
  for (let i = 0; i < ordered.length; i++)
    for (let j = 0; j < ordered.length; j++)
      assert.equal(
        Math.sign(compareAmounts(ordered[i]!, ordered[j]!)),
        Math.sign(i - j),
        `${ordered[i]} vs ${ordered[j]}`,
      );
  assert.equal(compareAmounts('1.50', '1.5'), 0);
  assert.equal(compareAmounts('007', '7'), 0);
});
