// RFC 8785 (JCS) canonical form for sealbox envelopes, refusing what JCS
// would silently change: integers beyond 2^53 (a double cannot hold them),
// numbers beyond a double's range, lone surrogates (not Unicode text), and a
// member named __proto__ (a plain object cannot hold it as a member).
// Portable (no Node APIs).
import canonicalize from 'canonicalize';
import { isLosslessNumber, type LosslessNumber } from 'lossless-json';
import type { LosslessValue } from './python-json.ts';
import { EnvelopeRefusal } from './refusal.ts';

const MAX_SAFE = 2n ** 53n;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function toPlain(value: LosslessValue, path: string, label: string): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value))
      throw new EnvelopeRefusal(
        'LONE_SURROGATE',
        label,
        `${path} holds a lone surrogate, which is not Unicode text`,
      );
    return value;
  }
  if (isLosslessNumber(value)) {
    const lexeme = (value as LosslessNumber).value;
    if (/^-?\d+$/.test(lexeme)) {
      const n = BigInt(lexeme);
      if (n > MAX_SAFE || n < -MAX_SAFE) {
        throw new EnvelopeRefusal(
          'UNSAFE_INTEGER',
          label,
          `${path} is the integer ${lexeme}, beyond 2^53: JCS would change it; write it as a string`,
        );
      }
    }
    const n = Number(lexeme);
    if (!Number.isFinite(n))
      throw new EnvelopeRefusal(
        'NUMBER_RANGE',
        label,
        `${path} is ${lexeme}, beyond the range of a double`,
      );
    return n;
  }
  if (Array.isArray(value)) return value.map((v, i) => toPlain(v, `${path}[${i}]`, label));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (LONE_SURROGATE.test(k))
      throw new EnvelopeRefusal('LONE_SURROGATE', label, `a key in ${path} holds a lone surrogate`);
    // Assigning it would set the prototype and drop the member from the hash.
    if (k === '__proto__')
      throw new EnvelopeRefusal(
        'PROTO_MEMBER',
        label,
        `${path} has a member named __proto__, which JCS here cannot hold`,
      );
    out[k] = toPlain(v, `${path}.${k}`, label);
  }
  return out;
}

/** The JCS canonical text of a value (numbers as JCS writes them: 1.50 and 1.5 are one number). */
export function jcs(value: LosslessValue, label: string): string {
  return canonicalize(toPlain(value, '$', label))!;
}
