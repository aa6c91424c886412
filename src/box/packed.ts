// Compact records for what a box keeps of each of its comments, which a flood
// makes many (docs/performance.md, "The flood"): one string a comment rather
// than an object, its fields and a string for each (every one of them has a
// header of its own), and a SHA-256 digest as 32 one-byte characters rather
// than 64 hex ones. A record is read back only by the code that wrote it.
// Pure and portable.

import { fromHex, sha256, toHex } from '../bytes.ts';

const HEX = /^[0-9a-f]{64}$/;

/** A SHA-256 digest in lowercase hex, as 32 characters (U+0000 to U+00FF), one a byte. */
export function digestChars(hex: string): string {
  if (!HEX.test(hex)) throw new Error('not a SHA-256 digest in lowercase hex');
  return String.fromCharCode(...fromHex(hex));
}

/** digestChars undone: the digest in lowercase hex. */
export function digestHex(chars: string): string {
  return toHex(Uint8Array.from(chars, (c) => c.charCodeAt(0)));
}

/** A SHA-256 digest of bytes, as digestChars gives it. */
export async function sha256Chars(bytes: Uint8Array): Promise<string> {
  return String.fromCharCode(...(await sha256(bytes)));
}

// A bus's time: whole seconds in UTC ("2026-11-27T21:05:37Z", as GitHub
// writes them), kept as 't' and its seconds since 1970 in five one-byte
// characters; any other text as 's' and the text itself.
const SECOND = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** A time as a record's field holds it (timeText reads it back exactly). */
export function timeField(text: string): string {
  const ms = SECOND.test(text) ? Date.parse(text) : Number.NaN;
  const seconds = ms / 1000;
  if (
    !Number.isSafeInteger(seconds) ||
    seconds < 0 ||
    seconds >= 256 ** 5 ||
    new Date(ms).toISOString().replace('.000Z', 'Z') !== text
  )
    return 's' + text;
  const codes = new Array<number>(5);
  for (let i = 4, rest = seconds; i >= 0; i--, rest = Math.floor(rest / 256)) codes[i] = rest % 256;
  return 't' + String.fromCharCode(...codes);
}

/** timeField undone: the time's text as it was. */
export function timeText(field: string): string {
  if (field[0] === 's') return field.slice(1);
  let seconds = 0;
  for (let i = 1; i < 6; i++) seconds = seconds * 256 + field.charCodeAt(i);
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * A text's SHA-256 (as sha256Chars gives it) over its UTF-16 code units, so
 * that two different texts never share it: UTF-8 would encode every lone
 * surrogate as U+FFFD. For telling whether a text changed, nothing else.
 */
export async function textSha256Chars(text: string): Promise<string> {
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return sha256Chars(new Uint8Array(units.buffer));
}

/**
 * One record: `fixed` (a width the reader knows), then each field as its
 * length, a colon and its text, so that a field may hold any character. Built
 * by join, which makes one flat string (concatenation would keep the parts).
 */
export function packRecord(fixed: string, fields: readonly (string | number)[]): string {
  const parts = [fixed];
  for (const f of fields) {
    const text = String(f);
    parts.push(String(text.length), ':', text);
  }
  return parts.join('');
}

/** packRecord undone: the first `fixedLength` characters, then the fields. */
export function unpackRecord(
  record: string,
  fixedLength: number,
): { fixed: string; fields: string[] } {
  const fields: string[] = [];
  let at = fixedLength;
  while (at < record.length) {
    const colon = record.indexOf(':', at);
    const length = Number(record.slice(at, colon));
    if (colon === -1 || !Number.isSafeInteger(length) || colon + 1 + length > record.length)
      throw new Error('a packed record is damaged');
    fields.push(record.slice(colon + 1, colon + 1 + length));
    at = colon + 1 + length;
  }
  return { fixed: record.slice(0, fixedLength), fields };
}
