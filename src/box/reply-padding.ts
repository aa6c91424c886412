// The private reply's plaintext: a salt for its commitment, then the reply's
// text, padded to a bucket as submissions are, so that a reply's armour tells
// only its bucket (docs/spec/replies-v1.1.md, "The reply plaintext").
// Portable; never throws on untrusted bytes.
import { MIN_BUCKET } from './padding.ts';

/** Bytes of salt each reply starts with (its commitment's secret). */
export const SALT_LENGTH = 32;
/** The last reply bucket: a reply is private data for one reader, not a document. */
export const REPLY_CAP = 16384;
const HEADER = SALT_LENGTH + 4; // the salt, uint32 message length

export type ReplyUnpadReason =
  | 'size_not_bucket'
  | 'length_out_of_range'
  | 'wrong_bucket'
  | 'nonzero_padding'
  | 'message_not_utf8';

export type ReplyUnpadded =
  { ok: true; salt: Uint8Array; message: string } | { ok: false; reason: ReplyUnpadReason };

/** The reply buckets, ascending: 256, 512, ... 16384. */
export function replyBuckets(): number[] {
  const out: number[] = [];
  for (let b = MIN_BUCKET; b <= REPLY_CAP; b *= 2) out.push(b);
  return out;
}

/** The bucket of a framed reply of `framedLength` bytes; undefined past the last one. */
export function replyBucketFor(framedLength: number): number | undefined {
  if (framedLength > REPLY_CAP) return undefined;
  let bucket = MIN_BUCKET;
  while (bucket < framedLength) bucket *= 2;
  return bucket;
}

/** Whether a message fits a reply once framed. */
export function replyFits(message: string): boolean {
  return HEADER + new TextEncoder().encode(message).length <= REPLY_CAP;
}

/** The padded reply plaintext. Throws (a bug in the caller) when the message does not fit. */
export function padReply(salt: Uint8Array, message: string): Uint8Array {
  if (salt.length !== SALT_LENGTH) throw new Error(`a reply's salt is ${SALT_LENGTH} bytes`);
  const m = new TextEncoder().encode(message);
  const bucket = replyBucketFor(HEADER + m.length);
  if (bucket === undefined) throw new Error('the reply does not fit the last reply bucket');
  const out = new Uint8Array(bucket); // zeros: the padding
  out.set(salt);
  new DataView(out.buffer).setUint32(SALT_LENGTH, m.length);
  out.set(m, HEADER);
  return out;
}

/** The salt and the message of an opened reply, or the first rule it breaks. Total. */
export function unpadReply(bytes: Uint8Array): ReplyUnpadded {
  const fail = (reason: ReplyUnpadReason): ReplyUnpadded => ({ ok: false, reason });
  if (!(bytes instanceof Uint8Array) || !replyBuckets().includes(bytes.length))
    return fail('size_not_bucket');
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
    SALT_LENGTH,
  );
  if (length > bytes.length - HEADER) return fail('length_out_of_range');
  const framed = HEADER + length;
  if (replyBucketFor(framed) !== bytes.length) return fail('wrong_bucket');
  for (let i = framed; i < bytes.length; i++) if (bytes[i] !== 0) return fail('nonzero_padding');
  let message: string;
  try {
    message = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(HEADER, framed),
    );
  } catch {
    return fail('message_not_utf8');
  }
  return { ok: true, salt: bytes.slice(0, SALT_LENGTH), message };
}
