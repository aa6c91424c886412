// stats: count, sum, mean, median, min, max of the messages that are amounts;
// inputs not revealed. Exact: amounts are decimals, the mean is rounded half
// to even to S + 6 fraction digits (S: the most fraction digits written).
import {
  addAmounts,
  compareAmounts,
  divideRounded,
  formatAmount,
  midpoint,
  parseAmount,
  type Amount,
} from './amount.ts';
import { onlyParameters, type Computation, type ComputeInput } from './types.ts';

/** Digits the mean keeps beyond the most fraction digits written among the values. */
export const MEAN_EXTRA_DIGITS = 6;

function values(inputs: ComputeInput[]): Amount[] {
  return inputs.map((i) => parseAmount(i.message)).filter((x): x is Amount => x !== undefined);
}

export const stats: Computation = {
  name: 'stats',
  reveals: () => false,
  validate: (p) => onlyParameters('stats', p, []),
  validInputs: (inputs) => values(inputs).length,
  run(inputs) {
    const xs = values(inputs).sort(compareAmounts);
    const invalid = inputs.length - xs.length;
    if (!xs.length)
      return { count: 0, invalid, sum: '0', mean: null, median: null, min: null, max: null };
    const sum = xs.reduce(addAmounts);
    const scale = xs.reduce((s, x) => Math.max(s, x.scale), 0);
    const mid = xs.length >> 1;
    return {
      count: xs.length,
      invalid,
      sum: formatAmount(sum),
      mean: formatAmount(divideRounded(sum, BigInt(xs.length), scale + MEAN_EXTRA_DIGITS)),
      median: formatAmount(xs.length % 2 ? xs[mid]! : midpoint(xs[mid - 1]!, xs[mid]!)),
      min: formatAmount(xs[0]!),
      max: formatAmount(xs[xs.length - 1]!),
    };
  },
};
