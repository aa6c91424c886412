// The armours: base64 of HPKE's enc and ciphertext between BEGIN and END
// lines, one for submissions (in comments) and one for private replies (in
// result.json). Strict and linear on any text. Portable.
import { toBase64 } from '../bytes.ts';
import type { SuiteName } from './hpke.ts';

export const ARMOUR_BEGIN = '-----BEGIN SEALBOX SUBMISSION-----';
export const ARMOUR_END = '-----END SEALBOX SUBMISSION-----';
export const REPLY_BEGIN = '-----BEGIN SEALBOX REPLY-----';
export const REPLY_END = '-----END SEALBOX REPLY-----';

/** Which armour: a submission's, or a private reply's (docs/spec/replies-v1.1.md). */
export type ArmourKind = 'submission' | 'reply';

const LINES: Record<ArmourKind, [string, string]> = {
  submission: [ARMOUR_BEGIN, ARMOUR_END],
  reply: [REPLY_BEGIN, REPLY_END],
};

/** The length of HPKE's `enc` for each suite (X-Wing: ML-KEM-768 ct + X25519 point). */
export const ENC_LENGTH: Record<SuiteName, number> = { 'x-wing': 1120, x25519: 32 };

export function armour(enc: Uint8Array, ct: Uint8Array, kind: ArmourKind = 'submission'): string {
  const joined = new Uint8Array(enc.length + ct.length);
  joined.set(enc);
  joined.set(ct, enc.length);
  const lines = toBase64(joined).match(/.{1,64}/g) ?? [];
  const [begin, end] = LINES[kind];
  return [begin, ...lines, end].join('\n');
}

/** The armour's base64 text (whitespace removed), or undefined when the text has no armour. */
export function findArmour(body: string, kind: ArmourKind = 'submission'): string | undefined {
  const [BEGIN, END] = LINES[kind];
  const begin = body.indexOf(BEGIN);
  if (begin === -1) return undefined;
  const end = body.indexOf(END, begin + BEGIN.length);
  // An armour that never ends is still armour: it is malformed, not absent.
  return (
    end === -1 ? body.slice(begin + BEGIN.length) : body.slice(begin + BEGIN.length, end)
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
