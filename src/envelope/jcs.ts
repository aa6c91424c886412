// RFC 8785 (JCS) canonical form for sealbox envelopes, refusing what JCS
// would silently change: integers beyond 2^53 (a double cannot hold them),
// numbers beyond a double's range, and lone surrogates (not Unicode text).
// Portable (no Node APIs).
import canonicalize from 'canonicalize';
import { isLosslessNumber, type LosslessNumber } from 'lossless-json';
import { SealboxError } from '../errors.ts';
import type { LosslessValue } from './python-json.ts';

const MAX_SAFE = 2n ** 53n;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function toPlain(value: LosslessValue, path: string, label: string): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value))
      throw new SealboxError(
        'INPUT_INVALID',
        `${label}: ${path} holds a lone surrogate, which is not Unicode text`,
      );
    return value;
  }
  if (isLosslessNumber(value)) {
    const lexeme = (value as LosslessNumber).value;
    if (/^-?\d+$/.test(lexeme)) {
      const n = BigInt(lexeme);
      if (n > MAX_SAFE || n < -MAX_SAFE) {
        throw new SealboxError(
          'INPUT_INVALID',
          `${label}: ${path} is the integer ${lexeme}, beyond 2^53: JCS would change it; write it as a string`,
        );
      }
    }
    const n = Number(lexeme);
    if (!Number.isFinite(n))
      throw new SealboxError(
        'INPUT_INVALID',
        `${label}: ${path} is ${lexeme}, beyond the range of a double`,
      );
    return n;
  }
  if (Array.isArray(value)) return value.map((v, i) => toPlain(v, `${path}[${i}]`, label));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (LONE_SURROGATE.test(k))
      throw new SealboxError('INPUT_INVALID', `${label}: a key in ${path} holds a lone surrogate`);
    out[k] = toPlain(v, `${path}.${k}`, label);
  }
  return out;
}

/** The JCS canonical text of a value (numbers as JCS writes them: 1.50 and 1.5 are one number). */
export function jcs(value: LosslessValue, label: string): string {
  return canonicalize(toPlain(value, '$', label))!;
}
