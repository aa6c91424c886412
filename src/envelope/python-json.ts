// Python's `json.dumps(obj, sort_keys=True, separators=(",", ":"))`, with its
// defaults (ensure_ascii), over a body parsed so that every number keeps its
// original text. This is InferenceBench v1's content hash input, byte for byte.
// Portable (no Node APIs).
import { isLosslessNumber, parse, type LosslessNumber } from 'lossless-json';
import { SealboxError } from '../errors.ts';
import { MAX_DEPTH, scanMembers, type MemberScan } from './members.ts';
import { EnvelopeRefusal } from './refusal.ts';

/** A JSON value whose numbers keep their source text. */
export type LosslessValue =
  null | boolean | string | LosslessNumber | LosslessValue[] | { [key: string]: LosslessValue };

/**
 * Reads JSON keeping every number's lexeme, with what its member names show
 * (repeats, __proto__). Text that is not JSON, or nests deeper than
 * MAX_DEPTH, is refused. A repeated name is not refused here (the last value
 * is kept, as Python keeps it): the caller decides.
 */
export function readLossless(
  text: string,
  label: string,
): { value: LosslessValue; members: MemberScan } {
  const members = scanMembers(text);
  if (members.tooDeep)
    throw new SealboxError(
      'INPUT_INVALID',
      `${label}: nests arrays and objects more than ${MAX_DEPTH} levels deep`,
    );
  try {
    const value = parse(text, null, { onDuplicateKey: ({ newValue }) => newValue });
    return { value: value as LosslessValue, members };
  } catch (e) {
    throw new SealboxError('INPUT_INVALID', `${label}: is not JSON (${(e as Error).message})`);
  }
}

/** The refusal of a document that repeats a member name (at `path`). */
export function repeatedMember(label: string, path: string): EnvelopeRefusal {
  return new EnvelopeRefusal(
    'REPEATED_MEMBER',
    label,
    `repeats the member name at ${path}: parsers disagree on which value counts, so it is refused`,
  );
}

/** Parses JSON keeping every number's lexeme. Repeated member names are refused, even with equal values. */
export function parseLossless(text: string, label: string): LosslessValue {
  const { value, members } = readLossless(text, label);
  if (members.repeated) throw repeatedMember(label, members.repeated);
  return value;
}

/** Orders strings by code point, as Python does (not by UTF-16 code unit, as JS's sort does). */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

// Printable ASCII but the quote and the backslash: written as it is (most strings).
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A string as Python writes it with ensure_ascii: only printable ASCII stays as it is. */
export function pythonString(s: string): string {
  if (PLAIN.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (SHORT_ESCAPES[ch]) out += SHORT_ESCAPES[ch];
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    // UTF-16 code units: an astral character becomes its surrogate pair, as in Python.
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out + '"';
}

/** Python's repr of a float: shortest round-trip digits, `.0` when integral, exponent outside [1e-4, 1e16). */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without digits gives the shortest digits that round-trip (ECMA-262), as Python's repr does.
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const exp = Number(exponent);
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** A JSON number lexeme as Python's json module reads and writes it: int exactly, float by repr. */
export function pythonNumber(lexeme: string): string {
  // An int lexeme (no leading zeros) is already Python's text of it, but "-0", the int 0.
  if (/^-?(0|[1-9]\d*)$/.test(lexeme)) return lexeme === '-0' ? '0' : lexeme;
  return pythonFloat(Number(lexeme));
}

const SURROGATE = /[\ud800-\udfff]/;

/** Member names in Python's order: by code point, which is UTF-16 unit order without surrogates. */
function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  return keys.some((k) => SURROGATE.test(k)) ? keys.sort(compareCodePoints) : keys.sort();
}

export function pythonDumps(value: LosslessValue): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return pythonString(value);
  if (isLosslessNumber(value)) return pythonNumber((value as LosslessNumber).value);
  if (Array.isArray(value)) return `[${value.map(pythonDumps).join(',')}]`;
  const obj = value as { [key: string]: LosslessValue };
  return `{${sortedKeys(obj)
    .map((k) => `${pythonString(k)}:${pythonDumps(obj[k]!)}`)
    .join(',')}}`;
}
