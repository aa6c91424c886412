// The submission armour: base64 of HPKE's enc and ciphertext between BEGIN and
// END lines. Strict and linear on any text. Portable.
import { toBase64 } from '../bytes.ts';
import type { SuiteName } from './hpke.ts';

export const ARMOUR_BEGIN = '-----BEGIN SEALBOX SUBMISSION-----';
export const ARMOUR_END = '-----END SEALBOX SUBMISSION-----';

/** The length of HPKE's `enc` for each suite (X-Wing: ML-KEM-768 ct + X25519 point). */
export const ENC_LENGTH: Record<SuiteName, number> = { 'x-wing': 1120, x25519: 32 };

export function armour(enc: Uint8Array, ct: Uint8Array): string {
  const joined = new Uint8Array(enc.length + ct.length);
  joined.set(enc);
  joined.set(ct, enc.length);
  const lines = toBase64(joined).match(/.{1,64}/g) ?? [];
  return [ARMOUR_BEGIN, ...lines, ARMOUR_END].join('\n');
}

/** The armour's base64 text (whitespace removed), or undefined when the text has no armour. */
export function findArmour(body: string): string | undefined {
  const begin = body.indexOf(ARMOUR_BEGIN);
  if (begin === -1) return undefined;
  const end = body.indexOf(ARMOUR_END, begin + ARMOUR_BEGIN.length);
  // An armour that never ends is still armour: it is malformed, not absent.
  return (
    end === -1
      ? body.slice(begin + ARMOUR_BEGIN.length)
      : body.slice(begin + ARMOUR_BEGIN.length, end)
  ).replace(/\s+/g, '');
}

/** enc and ct from the armour's text; undefined when the text is not that. */
export function decodeArmour(
  text: string,
  suite: SuiteName,
): { enc: Uint8Array; ct: Uint8Array } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const n = ENC_LENGTH[suite];
  if (bytes.length <= n + 16) return undefined; // enc, then at least the AEAD tag
  return { enc: bytes.subarray(0, n), ct: bytes.subarray(n) };
}
