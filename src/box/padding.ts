// The v1.1 submission plaintext: its framing and its padding to a bucket, so
// that the armour's length tells only the bucket, never the message's length
// (docs/spec/submission-v1.1.md). Portable; never throws on untrusted bytes.
import { fromBase64, toBase64 } from '../bytes.ts';
import { SealboxError } from '../errors.ts';
import type { SuiteName } from './hpke.ts';
import { ARMOUR_BEGIN, ARMOUR_END, ENC_LENGTH } from './armour.ts';

/** GitHub's limit on a comment, in characters (the armour is ASCII: bytes). */
export const GITHUB_COMMENT_LIMIT = 65536;
/** The smallest bucket: a short vote and a short bid look the same. */
export const MIN_BUCKET = 256;
/**
 * Bytes kept free for the SSH signature block when a box requires signed
 * submissions: the largest accepted block (RSA-4096, rsa-sha2-512, CRLF line
 * breaks) is 1,606 bytes with its separating line break.
 */
export const SIGNATURE_RESERVE = 1700;
/** A serialized KEM public key of each suite (a reply key is one). */
export const PUBLIC_KEY_LENGTH: Record<SuiteName, number> = { 'x-wing': 1216, x25519: 32 };

const TAG_LENGTH = 16; // AES-256-GCM
const LINE = 64; // base64 characters per armour line
const HEADER = 4 + 2; // uint32 message length, uint16 reply key length

/** What a participant seals (the same shape as v1's JSON plaintext). */
export interface SubmissionFields {
  message: string;
  /** Base64 of a public key of the box's suite, for a private reply. */
  reply_public_key?: string;
}

/** The box parameters the padding depends on (all from the manifest). */
export interface PaddingParams {
  suite: SuiteName;
  /** The manifest's `rules.max_bytes`. */
  maxBytes: number;
  /** The manifest's `rules.signed_submissions`. */
  signedSubmissions: boolean;
}

export type UnpadReason =
  | 'size_not_bucket'
  | 'length_out_of_range'
  | 'reply_key_length'
  | 'wrong_bucket'
  | 'nonzero_padding'
  | 'message_not_utf8';

export type Unpadded = { ok: true; fields: SubmissionFields } | { ok: false; reason: UnpadReason };

/**
 * The armour's length for a padded plaintext of `plaintextLength` bytes,
 * counting each line break as `lineBreak` bytes (1 as sealbox writes it, 2
 * where a comment was stored with CRLF).
 */
export function armourLength(suite: SuiteName, plaintextLength: number, lineBreak = 1): number {
  const base64 = 4 * Math.ceil((ENC_LENGTH[suite] + plaintextLength + TAG_LENGTH) / 3);
  const lines = Math.ceil(base64 / LINE);
  return ARMOUR_BEGIN.length + ARMOUR_END.length + base64 + (lines + 1) * lineBreak;
}

/** The room a submission's armour has in a comment of this box. */
export function commentBudget(params: PaddingParams): number {
  return (
    Math.min(GITHUB_COMMENT_LIMIT, params.maxBytes) -
    (params.signedSubmissions ? SIGNATURE_RESERVE : 0)
  );
}

/**
 * The largest padded plaintext whose armour, with CRLF line breaks, fits the
 * budget: the last bucket. Negative when not even an empty one fits.
 */
export function plaintextCap(params: PaddingParams): number {
  const budget = commentBudget(params);
  const fits = (n: number) => armourLength(params.suite, n, 2) <= budget;
  if (!fits(0)) return -1;
  let low = 0; // fits
  let high = GITHUB_COMMENT_LIMIT; // does not fit (the armour exceeds it)
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid;
  }
  return low;
}

/** Every bucket of this box, ascending: 256, 512, ... below the cap, then the cap. Empty if the cap is below 256. */
export function buckets(params: PaddingParams): number[] {
  const cap = plaintextCap(params);
  if (cap < MIN_BUCKET) return [];
  const out: number[] = [];
  for (let b = MIN_BUCKET; b < cap; b *= 2) out.push(b);
  out.push(cap);
  return out;
}

/** The bucket for framed fields of `framedLength` bytes, or undefined past the cap. */
export function bucketFor(framedLength: number, cap: number): number | undefined {
  if (cap < MIN_BUCKET || framedLength > cap) return undefined;
  let bucket = MIN_BUCKET;
  while (bucket < framedLength) bucket *= 2;
  return Math.min(bucket, cap);
}

function replyKeyBytes(fields: SubmissionFields, suite: SuiteName): Uint8Array {
  const text = fields.reply_public_key;
  if (text === undefined) return new Uint8Array(0);
  let bytes: Uint8Array | undefined;
  try {
    bytes = fromBase64(text);
  } catch {
    bytes = undefined;
  }
  if (!bytes || toBase64(bytes) !== text)
    throw new SealboxError('INPUT_INVALID', 'reply public key: is not canonical base64');
  if (bytes.length !== PUBLIC_KEY_LENGTH[suite])
    throw new SealboxError(
      'INPUT_INVALID',
      `reply public key: ${bytes.length} bytes, an ${suite} public key has ${PUBLIC_KEY_LENGTH[suite]}`,
    );
  return bytes;
}

/**
 * The padded plaintext for a participant's fields. Throws INPUT_INVALID when
 * the message does not fit this box once padded, or a field is invalid.
 */
export function pad(fields: SubmissionFields, params: PaddingParams): Uint8Array {
  const cap = plaintextCap(params);
  if (cap < MIN_BUCKET)
    throw new SealboxError(
      'INPUT_INVALID',
      `box: max_bytes ${params.maxBytes} leaves room for no bucket (the last would be ${Math.max(cap, 0)} bytes, at least ${MIN_BUCKET} needed)`,
    );
  if (typeof fields.message !== 'string' || !fields.message.isWellFormed())
    throw new SealboxError('INPUT_INVALID', 'message: is not well-formed Unicode text');
  const message = new TextEncoder().encode(fields.message);
  const key = replyKeyBytes(fields, params.suite);
  const framed = HEADER + message.length + key.length;
  const bucket = bucketFor(framed, cap);
  if (bucket === undefined)
    throw new SealboxError(
      'INPUT_INVALID',
      `message: ${message.length} bytes do not fit this box once padded (at most ${cap - HEADER - key.length} bytes here)`,
    );
  const out = new Uint8Array(bucket); // zeros: the padding
  const view = new DataView(out.buffer);
  view.setUint32(0, message.length);
  out.set(message, 4);
  view.setUint16(4 + message.length, key.length);
  out.set(key, HEADER + message.length);
  return out;
}

/**
 * The fields of a decrypted plaintext, or the first rule it breaks, checked
 * in the spec's order. Total: any bytes in, a verdict out.
 */
export function unpad(bytes: Uint8Array, params: PaddingParams): Unpadded {
  const fail = (reason: UnpadReason): Unpadded => ({ ok: false, reason });
  if (!(bytes instanceof Uint8Array) || !buckets(params).includes(bytes.length))
    return fail('size_not_bucket');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const messageLength = view.getUint32(0);
  if (messageLength > bytes.length - HEADER) return fail('length_out_of_range');
  const keyLength = view.getUint16(4 + messageLength);
  if (keyLength !== 0 && keyLength !== PUBLIC_KEY_LENGTH[params.suite])
    return fail('reply_key_length');
  const framed = HEADER + messageLength + keyLength;
  if (framed > bytes.length) return fail('length_out_of_range');
  if (bucketFor(framed, plaintextCap(params)) !== bytes.length) return fail('wrong_bucket');
  for (let i = framed; i < bytes.length; i++) if (bytes[i] !== 0) return fail('nonzero_padding');
  let message: string;
  try {
    message = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(4, 4 + messageLength),
    );
  } catch {
    return fail('message_not_utf8');
  }
  const fields: SubmissionFields = { message };
  if (keyLength > 0)
    fields.reply_public_key = toBase64(bytes.subarray(HEADER + messageLength, framed));
  return { ok: true, fields };
}
