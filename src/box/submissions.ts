// Submissions: the armour, the plaintext framing, and the close rules that
// give every armoured comment exactly one status and, when rejected, exactly
// one reason, in PROTOCOL.md's order. Portable.
import { hpkeAad, hpkeInfo, type Manifest } from './manifest.ts';
import { open, seal, type BoxKeyPair, type SuiteName } from './hpke.ts';
import { sha256Hex, toBase64 } from '../bytes.ts';

export const ARMOUR_BEGIN = '-----BEGIN SEALBOX SUBMISSION-----';
export const ARMOUR_END = '-----END SEALBOX SUBMISSION-----';

/** The length of HPKE's `enc` for each suite (X-Wing: ML-KEM-768 ct + X25519 point). */
export const ENC_LENGTH: Record<SuiteName, number> = { 'x-wing': 1120, x25519: 32 };

export type RejectReason =
  | 'late'
  | 'edited'
  | 'not_allowed'
  | 'too_large'
  | 'malformed'
  | 'undecryptable'
  | 'duplicate'
  | 'over_limit';

/** A comment on the bus, as the bus reports it (times are the bus's, to the second). */
export interface BusComment {
  id: number;
  author_id: number;
  author_login: string;
  created_at: string;
  updated_at: string;
  body: string;
  /**
   * The bus saw another body for this comment earlier. Timestamps have whole
   * seconds: an edit within the creation's second leaves updated_at equal to
   * created_at, and only the body tells.
   */
  edited?: boolean;
}

export interface SubmissionRecord {
  comment_id: number;
  author_id: number;
  author_login: string;
  created_at: string;
  ciphertext_sha256: string;
  status: 'accepted' | 'rejected';
  reason?: RejectReason;
}

/** What a participant seals: their message, and optionally a key for a private reply. */
export interface Plaintext {
  message: string;
  reply_public_key?: string;
}

const te = new TextEncoder();

export function armour(enc: Uint8Array, ct: Uint8Array): string {
  const joined = new Uint8Array(enc.length + ct.length);
  joined.set(enc);
  joined.set(ct, enc.length);
  const lines = toBase64(joined).match(/.{1,64}/g) ?? [];
  return [ARMOUR_BEGIN, ...lines, ARMOUR_END].join('\n');
}

/** The armour's base64 text (whitespace removed), or undefined when the comment has no armour. */
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

export { sha256Hex } from '../bytes.ts';

/** A participant's side: seal a message to the box for this author, return the comment body. */
export async function sealSubmission(
  manifest: Manifest,
  manifestDigest: string,
  publicKey: Uint8Array,
  authorId: number,
  plaintext: Plaintext,
): Promise<string> {
  const { enc, ct } = await seal(
    manifest.hpke.suite,
    publicKey,
    te.encode(JSON.stringify(plaintext)),
    hpkeInfo(manifestDigest),
    hpkeAad(manifest.box_id, authorId),
  );
  return armour(enc, ct);
}

function parsePlaintext(bytes: Uint8Array): Plaintext | undefined {
  try {
    const p = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Plaintext;
    if (typeof p.message !== 'string') return undefined;
    if (p.reply_public_key !== undefined && typeof p.reply_public_key !== 'string')
      return undefined;
    return p;
  } catch {
    return undefined;
  }
}

export interface CloseContext {
  manifest: Manifest;
  manifestDigest: string;
  opensAt: string;
  closedAt: string;
  box: BoxKeyPair;
  /**
   * Decryptions already made, by comment id and ciphertext digest (null:
   * undecryptable): polling classifies the same comments again and again,
   * and each HPKE open is paid once. Held in the ceremony's scope only.
   */
  opened?: Map<string, Uint8Array | null>;
}

export interface Opened {
  record: SubmissionRecord;
  plaintext: Plaintext;
}

const order = (a: BusComment, b: BusComment) =>
  Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id;

/**
 * Classifies every armoured comment; comments without armour are ignored.
 * Never throws on a comment. Returns the records in comment order and the
 * accepted plaintexts in acceptance order.
 */
export async function classify(
  comments: BusComment[],
  ctx: CloseContext,
): Promise<{ records: SubmissionRecord[]; accepted: Opened[] }> {
  const { manifest } = ctx;
  const opens = Date.parse(ctx.opensAt);
  const closed = Date.parse(ctx.closedAt);
  const allowed = manifest.rules.allowed_authors
    ? new Set(manifest.rules.allowed_authors)
    : undefined;
  const info = hpkeInfo(ctx.manifestDigest);
  const records: SubmissionRecord[] = [];
  const valid: { comment: BusComment; opened: Opened }[] = [];
  for (const comment of [...comments].sort(order)) {
    const text = findArmour(comment.body);
    if (text === undefined) continue;
    const record: SubmissionRecord = {
      comment_id: comment.id,
      author_id: comment.author_id,
      author_login: comment.author_login,
      created_at: comment.created_at,
      ciphertext_sha256: await sha256Hex(te.encode(text)),
      status: 'rejected',
    };
    records.push(record);
    const created = Date.parse(comment.created_at);
    if (!(created >= opens && created < closed)) record.reason = 'late';
    else if (comment.updated_at !== comment.created_at || comment.edited) record.reason = 'edited';
    else if (allowed && !allowed.has(comment.author_id)) record.reason = 'not_allowed';
    else if (te.encode(comment.body).length > manifest.rules.max_bytes) record.reason = 'too_large';
    else {
      const parts = decodeArmour(text, manifest.hpke.suite);
      if (!parts) record.reason = 'malformed';
      else {
        const key = `${comment.id}:${comment.author_id}:${record.ciphertext_sha256}`;
        let bytes: Uint8Array | null | undefined = ctx.opened?.get(key);
        if (bytes === undefined) {
          try {
            bytes = await open(
              ctx.box,
              parts.enc,
              parts.ct,
              info,
              hpkeAad(manifest.box_id, comment.author_id),
            );
          } catch {
            bytes = null;
          }
          ctx.opened?.set(key, bytes);
        }
        if (bytes === null) record.reason = 'undecryptable';
        if (bytes) {
          const plaintext = parsePlaintext(bytes);
          if (!plaintext) record.reason = 'malformed';
          else valid.push({ comment, opened: { record, plaintext } });
        }
      }
    }
  }
  // Among the valid ones, in created_at order: one per author (first or last), then the limit.
  const keep = new Map<number, (typeof valid)[number]>();
  for (const v of valid) {
    const seen = keep.get(v.comment.author_id);
    if (!seen) keep.set(v.comment.author_id, v);
    else if (manifest.rules.one_per_author === 'first') v.opened.record.reason = 'duplicate';
    else {
      seen.opened.record.reason = 'duplicate';
      keep.set(v.comment.author_id, v);
    }
  }
  const accepted: Opened[] = [];
  for (const v of valid) {
    if (v.opened.record.reason) continue;
    if (accepted.length >= manifest.rules.max_submissions) v.opened.record.reason = 'over_limit';
    else {
      v.opened.record.status = 'accepted';
      accepted.push(v.opened);
    }
  }
  return { records, accepted };
}
