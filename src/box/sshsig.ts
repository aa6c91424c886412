// Signed submissions (docs/spec/submission-v1.1.md): an SSHSIG (OpenSSH
// PROTOCOL.sshsig, namespace `sealbox-submission`) by one of the author's
// GitHub SSH signing keys over a message binding the box, the manifest, the
// author and the ciphertext. It follows the submission armour in the same
// comment. Portable; every function but `submissionMessage` is total: any
// text in, a verdict out, in time linear in the input.
import { fromBase64, toBase64 } from '../bytes.ts';
import { SealboxError } from '../errors.ts';
import { fingerprint, parseKeyBlob, parsePublicKeyLine } from './ssh/keys.ts';
import { acceptsAlgorithm, verifyWithKey } from './ssh/signature-algorithms.ts';
import { encode, equalBytes, Reader } from './ssh/wire.ts';
import { ARMOUR_BEGIN, ARMOUR_END } from './armour.ts';

export const SUBMISSION_NAMESPACE = 'sealbox-submission';
export const SIGNATURE_BEGIN = '-----BEGIN SSH SIGNATURE-----';
export const SIGNATURE_END = '-----END SSH SIGNATURE-----';
/** The base64 of a signature, in characters at most (the largest accepted, RSA-4096, has 1,500). */
export const MAX_SIGNATURE_BASE64 = 2048;
const MAGIC = new TextEncoder().encode('SSHSIG');
const VERSION = 1;
const HASHES = { sha256: 'SHA-256', sha512: 'SHA-512' } as const;

/** Why a signature is bad, in the order the checks run. */
export type SignatureReason =
  | 'missing'
  | 'armour'
  | 'format'
  | 'namespace'
  | 'hash_algorithm'
  | 'key_type'
  | 'signature_algorithm'
  | 'key_not_listed'
  | 'signature'
  | 'user_presence';

export type SignatureVerdict =
  | { ok: true; fingerprint: string; keyIndex: number }
  | { ok: false; reason: SignatureReason; fingerprint?: string };

export interface Sshsig {
  publicKey: Uint8Array;
  namespace: string;
  hashAlgorithm: string;
  /** The signature field: `string algorithm` and the algorithm's fields. */
  signature: Uint8Array;
  /** The algorithm named first in the signature field. */
  algorithm: string;
}

/** The fields a submission signature binds. */
export interface SubmissionSignatureFields {
  box_id: string;
  /** SHA-256 of the manifest's bytes, lowercase hex. */
  manifest_digest: string;
  /** The author's numeric GitHub user id. */
  author_id: number;
  /** The comment's `ciphertext_sha256`, lowercase hex. */
  ciphertext_sha256: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const BOX_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** The message a participant signs. Throws INPUT_INVALID on a malformed field. */
export function submissionMessage(fields: SubmissionSignatureFields): Uint8Array {
  const bad = (name: string, why: string) =>
    new SealboxError('INPUT_INVALID', `submission signature: ${name} ${why}`);
  if (!BOX_ID.test(fields.box_id)) throw bad('box_id', 'is not 8 to 64 of [A-Za-z0-9_-]');
  if (!HEX64.test(fields.manifest_digest)) throw bad('manifest_digest', 'is not 64 lowercase hex');
  if (!Number.isSafeInteger(fields.author_id) || fields.author_id < 1)
    throw bad('author_id', 'is not a positive integer');
  if (!HEX64.test(fields.ciphertext_sha256))
    throw bad('ciphertext_sha256', 'is not 64 lowercase hex');
  return new TextEncoder().encode(
    'sealbox-box/v1.1 submission\n' +
      `box_id ${fields.box_id}\n` +
      `manifest_digest ${fields.manifest_digest}\n` +
      `author_id ${fields.author_id}\n` +
      `ciphertext_sha256 ${fields.ciphertext_sha256}\n`,
  );
}

function occurrences(text: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length))
    at.push(i);
  return at;
}

/**
 * The signature block of a submission comment: the one `BEGIN SSH
 * SIGNATURE` line of the body, after the submission armour's end, through
 * the next `END SSH SIGNATURE` line.
 */
export function findSignature(
  body: string,
): { ok: true; armoured: string } | { ok: false; reason: 'missing' | 'armour' } {
  if (typeof body !== 'string') return { ok: false, reason: 'missing' };
  const begins = occurrences(body, SIGNATURE_BEGIN);
  if (begins.length === 0) return { ok: false, reason: 'missing' };
  const armourBegin = body.indexOf(ARMOUR_BEGIN);
  const armourEnd = armourBegin === -1 ? -1 : body.indexOf(ARMOUR_END, armourBegin);
  const begin = begins[0]!;
  if (begins.length > 1 || armourEnd === -1 || begin < armourEnd + ARMOUR_END.length)
    return { ok: false, reason: 'armour' };
  const end = body.indexOf(SIGNATURE_END, begin);
  if (end === -1) return { ok: false, reason: 'armour' };
  return { ok: true, armoured: body.slice(begin, end + SIGNATURE_END.length) };
}

/** The SSHSIG blob of an armoured signature; whitespace (CRLF too) is allowed around and inside. */
export function dearmourSignature(
  text: string,
): { ok: true; blob: Uint8Array } | { ok: false; reason: 'armour' } {
  const fail = { ok: false, reason: 'armour' } as const;
  if (typeof text !== 'string') return fail;
  const trimmed = text.trim();
  if (!trimmed.startsWith(SIGNATURE_BEGIN) || !trimmed.endsWith(SIGNATURE_END)) return fail;
  const inner = trimmed.slice(SIGNATURE_BEGIN.length, trimmed.length - SIGNATURE_END.length);
  if (inner.length > 4 * MAX_SIGNATURE_BASE64) return fail;
  const base64 = inner.replace(/\s+/g, '');
  if (base64.length > MAX_SIGNATURE_BASE64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return fail;
  try {
    const blob = fromBase64(base64);
    return toBase64(blob) === base64 ? { ok: true, blob } : fail;
  } catch {
    return fail;
  }
}

/** Parses an SSHSIG blob: magic, version 1, five fields, an empty `reserved`, nothing after. */
export function parseSshsig(
  blob: Uint8Array,
): { ok: true; sig: Sshsig } | { ok: false; reason: 'format' } {
  try {
    const reader = new Reader(blob);
    for (const b of MAGIC) if (reader.u8() !== b) return { ok: false, reason: 'format' };
    if (reader.u32() !== VERSION) return { ok: false, reason: 'format' };
    const publicKey = reader.string();
    const namespace = reader.text();
    const reserved = reader.string();
    const hashAlgorithm = reader.text();
    const signature = reader.string();
    reader.end();
    if (reserved.length !== 0 || namespace.length === 0) return { ok: false, reason: 'format' };
    const algorithm = new Reader(signature).text();
    return { ok: true, sig: { publicKey, namespace, hashAlgorithm, signature, algorithm } };
  } catch {
    return { ok: false, reason: 'format' };
  }
}

/** What the key signs (PROTOCOL.sshsig §3): magic, namespace, reserved, hash name, H(message). */
export async function signedData(
  namespace: string,
  hashAlgorithm: keyof typeof HASHES,
  message: Uint8Array,
): Promise<Uint8Array> {
  const digest = new Uint8Array(
    await crypto.subtle.digest(HASHES[hashAlgorithm], message as Uint8Array<ArrayBuffer>),
  );
  return encode(
    MAGIC,
    { string: namespace },
    { string: new Uint8Array(0) },
    { string: hashAlgorithm },
    { string: digest },
  );
}

/**
 * Verifies an armoured SSHSIG over `message` in `namespace` against the
 * signer's keys (OpenSSH public key lines; lines that do not parse are
 * skipped). On success, which key: its index in `keys` and its fingerprint.
 */
export async function verifySshsig(
  armoured: string,
  message: Uint8Array,
  keys: readonly string[],
  namespace: string = SUBMISSION_NAMESPACE,
): Promise<SignatureVerdict> {
  const dearmoured = dearmourSignature(armoured);
  if (!dearmoured.ok) return dearmoured;
  const parsed = parseSshsig(dearmoured.blob);
  if (!parsed.ok) return parsed;
  const { sig } = parsed;
  if (sig.namespace !== namespace) return { ok: false, reason: 'namespace' };
  if (!Object.hasOwn(HASHES, sig.hashAlgorithm)) return { ok: false, reason: 'hash_algorithm' };
  const key = parseKeyBlob(sig.publicKey);
  if (!key.ok) return key;
  const print = await fingerprint(sig.publicKey);
  if (!acceptsAlgorithm(key.key, sig.algorithm))
    return { ok: false, reason: 'signature_algorithm', fingerprint: print };
  const keyIndex = (Array.isArray(keys) ? keys : []).findIndex((line) => {
    const listed = parsePublicKeyLine(line);
    return listed.ok && equalBytes(listed.key.blob, sig.publicKey);
  });
  if (keyIndex === -1) return { ok: false, reason: 'key_not_listed', fingerprint: print };
  const data = await signedData(
    namespace,
    sig.hashAlgorithm as keyof typeof HASHES,
    message instanceof Uint8Array ? message : new Uint8Array(0),
  );
  const verdict = await verifyWithKey(key.key, sig.signature, data);
  if (verdict !== 'ok') return { ok: false, reason: verdict, fingerprint: print };
  return { ok: true, fingerprint: print, keyIndex };
}

/**
 * Verifies the signature a submission comment carries after its armour, for
 * these fields, against the author's signing keys. Total: malformed fields
 * (never the case for fields the box computed) are reported as `format`.
 */
export async function verifySubmissionSignature(
  body: string,
  fields: SubmissionSignatureFields,
  keys: readonly string[],
): Promise<SignatureVerdict> {
  const found = findSignature(body);
  if (!found.ok) return found;
  let message: Uint8Array;
  try {
    message = submissionMessage(fields);
  } catch {
    return { ok: false, reason: 'format' };
  }
  return verifySshsig(found.armoured, message, keys);
}
