// Amounts: exact decimals read from messages (docs/spec/computations-v1.1.md,
// "Amounts"). A value is units / 10^scale with BigInt units, so comparisons,
// sums and the mean's rounding are exact; nothing goes through a double.

/** At most this many digits in an amount, leading and trailing zeros included. */
export const MAX_DIGITS = 100;

export interface Amount {
  units: bigint;
  /** Digits after the point, as written (1.50 has 2). */
  scale: number;
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** The text without leading and trailing space, tab, LF and CR (and nothing else). Linear. */
export function trimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

// One optional minus, digits, optionally a point and digits: no nested quantifiers, linear.
const AMOUNT = /^-?[0-9]+(?:\.[0-9]+)?$/;

/** The amount a message writes, or undefined when it writes none. */
export function parseAmount(message: unknown): Amount | undefined {
  if (typeof message !== 'string') return undefined;
  const t = trimSpace(message);
  // An amount is at most a sign, MAX_DIGITS digits and a point.
  if (t.length > MAX_DIGITS + 2 || !AMOUNT.test(t)) return undefined;
  const point = t.indexOf('.');
  const digits = t.length - (t.startsWith('-') ? 1 : 0) - (point >= 0 ? 1 : 0);
  if (digits > MAX_DIGITS) return undefined;
  return {
    units: BigInt(point >= 0 ? t.slice(0, point) + t.slice(point + 1) : t),
    scale: point >= 0 ? t.length - point - 1 : 0,
  };
}

const TEN = 10n;
const pow10 = (n: number) => TEN ** BigInt(n);

/** The units of `a` at a scale at least its own. */
function unitsAt(a: Amount, scale: number): bigint {
  return a.units * pow10(scale - a.scale);
}

export function compareAmounts(a: Amount, b: Amount): number {
  const s = Math.max(a.scale, b.scale);
  const x = unitsAt(a, s);
  const y = unitsAt(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addAmounts(a: Amount, b: Amount): Amount {
  const scale = Math.max(a.scale, b.scale);
  return { units: unitsAt(a, scale) + unitsAt(b, scale), scale };
}

/** The exact half of a + b (one more fraction digit at most). */
export function midpoint(a: Amount, b: Amount): Amount {
  const sum = addAmounts(a, b);
  return { units: sum.units * 5n, scale: sum.scale + 1 };
}

/** a / n, rounded half to even to `scale` fraction digits. */
export function divideRounded(a: Amount, n: bigint, scale: number): Amount {
  // a.units / 10^a.scale / n = (a.units * 10^(scale - a.scale)) / n units at `scale`,
  // or, when a has more digits than wanted, a.units / (n * 10^(a.scale - scale)).
  const numerator = scale >= a.scale ? a.units * pow10(scale - a.scale) : a.units;
  const denominator = scale >= a.scale ? n : n * pow10(a.scale - scale);
  const negative = numerator < 0n !== denominator < 0n;
  const num = numerator < 0n ? -numerator : numerator;
  const den = denominator < 0n ? -denominator : denominator;
  let q = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  return { units: negative ? -q : q, scale };
}

/** The canonical text: no leading zeros, no trailing fraction zeros, no point when whole, no "-0". */
export function formatAmount(a: Amount): string {
  let { units, scale } = a;
  while (scale > 0 && units % TEN === 0n) {
    units /= TEN;
    scale--;
  }
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const text = scale ? `${whole}.${digits.slice(digits.length - scale)}` : whole;
  return negative ? `-${text}` : text;
}

export const isNegative = (a: Amount) => a.units < 0n;
