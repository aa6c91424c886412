// stats: count, sum, mean, median, min, max of numeric submissions; inputs not revealed.
import { numberOf, type Computation } from './types.ts';

export const stats: Computation = {
  name: 'stats',
  reveals: () => false,
  validate: () => {},
  run(inputs) {
    const xs = inputs
      .map((i) => numberOf(i.message))
      .filter((x): x is number => x !== undefined)
      .sort((a, b) => a - b);
    if (!xs.length) return { count: 0, invalid: inputs.length };
    const sum = xs.reduce((a, b) => a + b, 0);
    const mid = xs.length >> 1;
    return {
      count: xs.length,
      invalid: inputs.length - xs.length,
      sum,
      mean: sum / xs.length,
      median: xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2,
      min: xs[0]!,
      max: xs[xs.length - 1]!,
    };
  },
};
