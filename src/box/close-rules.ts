// The close rules (docs/spec/sealed-box-v1.1.md, "Statuses and reasons"):
// every armoured comment of a listing gets exactly one status and, when
// rejected, exactly one reason, in the spec's order; comments the box saw and
// then lost are recorded as deleted. Pure: what a comment's content holds
// (armour, signature, decryption, framing) is judged by an injected function.
import { findArmour } from './armour.ts';
import type { Manifest } from './manifest.ts';
import type { Plaintext } from './sealing.ts';
import { parseTime } from './times.ts';
import { sha256Hex } from '../bytes.ts';

export type RejectReason =
  | 'late'
  | 'edited'
  | 'not_allowed'
  | 'too_large'
  | 'malformed'
  | 'bad_signature'
  | 'undecryptable'
  | 'duplicate'
  | 'over_limit';

/** GitHub's own record of a comment's edits (GraphQL `lastEditedAt`, `userContentEdits`). */
export interface EditRecord {
  lastEditedAt: string | null;
  edits: number;
}

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
  /** The last armour text seen in an earlier body (kept when a later body has none). */
  armourSeen?: string;
  editRecord?: EditRecord;
  /**
   * Set where the bus kept no copy of the armour (`body` is then empty): the
   * comment was over the box's max_bytes (it can only be rejected), or the
   * box had judged its body already (BoxBus.release), or it was seen so and
   * then edited. The rules need of it its body's UTF-8 size and its armour's
   * SHA-256 (docs/spec/sealed-box-v1.1.md's ciphertext_sha256); the judge
   * answers from what it found the first time.
   */
  withheld?: { bytes: number; armourSha256: string };
}

export interface SubmissionRecord {
  comment_id: number;
  author_id: number;
  author_login: string;
  created_at: string;
  ciphertext_sha256: string;
  status: 'accepted' | 'rejected' | 'deleted';
  reason?: RejectReason;
  /** Under signed submissions: the fingerprint of the author's key that signed it. */
  signing_key?: string;
}

/** What one armoured comment's content was found to be. */
export type Judgement =
  | { kind: 'malformed' }
  | { kind: 'bad_signature' }
  | { kind: 'undecryptable' }
  | { kind: 'opened'; plaintext: Plaintext; signingKey?: string };

/** What judging a comment's content found, before the reason order is applied. */
export interface ContentFacts {
  /** The armour is base64 of enc and ciphertext. */
  armour: boolean;
  /** The submission signature verified; undefined where the box does not require one. */
  signature?: boolean;
  /** HPKE opened the ciphertext. */
  opened: boolean;
  /** The opened plaintext's framing and padding are right. */
  framing: boolean;
}

/** The content reason, in the spec's order: malformed, bad_signature, undecryptable; else opened. */
export function contentReason(
  f: ContentFacts,
): 'malformed' | 'bad_signature' | 'undecryptable' | undefined {
  if (!f.armour || (f.opened && !f.framing)) return 'malformed';
  if (f.signature === false) return 'bad_signature';
  if (!f.opened) return 'undecryptable';
  return undefined;
}

export interface CloseContext {
  rules: Manifest['rules'];
  /** Milliseconds. */
  opensAt: number;
  closedAt: number;
  /**
   * Judges an armoured comment's content (armour, signature, decryption,
   * framing). `armourText` is undefined for a withheld comment: one judged
   * before (mayBeJudged says which must be), whose judgement is kept.
   */
  judge(
    comment: BusComment,
    armourText: string | undefined,
    ciphertextSha256: string,
  ): Promise<Judgement>;
}

/** A comment the box saw carrying the armour (to record it as deleted if it vanishes). */
export interface SeenArmour {
  id: number;
  author_id: number;
  author_login: string;
  created_at: string;
  ciphertext_sha256: string;
}

export interface Opened {
  record: SubmissionRecord;
  plaintext: Plaintext;
}

export interface Classified {
  /** Every armoured comment (and every deleted one), in created_at then id order. */
  records: SubmissionRecord[];
  /** The accepted plaintexts, in acceptance order. */
  accepted: Opened[];
}

const te = new TextEncoder();
const at = (s: string) => parseTime(s) ?? Number.NaN;
const byTime = (
  a: { created_at: string; comment_id: number },
  b: { created_at: string; comment_id: number },
) => at(a.created_at) - at(b.created_at) || a.comment_id - b.comment_id;

/** The armour a comment carries now, or else the last one seen in it. */
export function armourOf(c: BusComment): string | undefined {
  return findArmour(c.body) ?? c.armourSeen;
}

/** The comment carries, or carried, the armour (whether or not the bus kept it). */
export function isArmoured(c: BusComment): boolean {
  return c.withheld !== undefined || armourOf(c) !== undefined;
}

/** ciphertext_sha256: the SHA-256 of the armour text, as the bus kept it or its digest. */
export async function armourSha256(c: BusComment): Promise<string | undefined> {
  if (c.withheld) return c.withheld.armourSha256;
  const text = armourOf(c);
  return text === undefined ? undefined : sha256Hex(te.encode(text));
}

function wasEdited(c: BusComment): boolean {
  return (
    c.updated_at !== c.created_at ||
    Boolean(c.edited) ||
    Boolean(c.editRecord && (c.editRecord.lastEditedAt !== null || c.editRecord.edits > 0)) ||
    (c.armourSeen !== undefined && findArmour(c.body) === undefined)
  );
}

const allowedSets = new WeakMap<number[], Set<number>>();
function allowedSet(list: number[]): Set<number> {
  let set = allowedSets.get(list);
  if (!set) allowedSets.set(list, (set = new Set(list)));
  return set;
}

/**
 * Whether classify may ever ask the judge about this armoured comment, for
 * any closed_at up to closes_at: created in the window, by an allowed author,
 * within max_bytes. (An edit is not counted on: judging an edited comment
 * costs an open, missing one would cost the verdict.) A box judges each such
 * comment when first seen, before the bus may withhold its body.
 */
export function mayBeJudged(
  c: BusComment,
  rules: Manifest['rules'],
  opensAt: number,
  closesAt: number,
): boolean {
  const created = at(c.created_at);
  return (
    created >= opensAt &&
    created < closesAt &&
    (!rules.allowed_authors || allowedSet(rules.allowed_authors).has(c.author_id)) &&
    (c.withheld?.bytes ?? te.encode(c.body).length) <= rules.max_bytes
  );
}

/**
 * Classifies every armoured comment of a listing; comments without armour are
 * ignored. `seen`: armoured comments seen earlier, recorded as deleted when
 * created before closed_at and missing from the listing. Never throws on a
 * comment.
 */
export async function classify(
  listing: BusComment[],
  ctx: CloseContext,
  seen: Iterable<SeenArmour> = [],
): Promise<Classified> {
  const { rules } = ctx;
  const allowed = rules.allowed_authors ? new Set(rules.allowed_authors) : undefined;
  const records: SubmissionRecord[] = [];
  const valid: { comment: BusComment; opened: Opened }[] = [];
  const listed = new Set<number>();
  for (const comment of listing) {
    listed.add(comment.id);
    const ciphertextSha256 = await armourSha256(comment);
    if (ciphertextSha256 === undefined) continue;
    const record: SubmissionRecord = {
      comment_id: comment.id,
      author_id: comment.author_id,
      author_login: comment.author_login,
      created_at: comment.created_at,
      ciphertext_sha256: ciphertextSha256,
      status: 'rejected',
    };
    records.push(record);
    const created = at(comment.created_at);
    if (!(created >= ctx.opensAt && created < ctx.closedAt)) record.reason = 'late';
    else if (wasEdited(comment)) record.reason = 'edited';
    else if (allowed && !allowed.has(comment.author_id)) record.reason = 'not_allowed';
    else if ((comment.withheld?.bytes ?? te.encode(comment.body).length) > rules.max_bytes)
      record.reason = 'too_large';
    else {
      // Withheld here: judged before it was withheld (mayBeJudged), so the judge knows it.
      const j = await ctx.judge(comment, armourOf(comment), record.ciphertext_sha256);
      if (j.kind !== 'opened') record.reason = j.kind;
      else {
        if (j.signingKey) record.signing_key = j.signingKey;
        valid.push({ comment, opened: { record, plaintext: j.plaintext } });
      }
    }
  }
  for (const s of seen) {
    if (listed.has(s.id) || !(at(s.created_at) < ctx.closedAt)) continue;
    listed.add(s.id);
    records.push({
      comment_id: s.id,
      author_id: s.author_id,
      author_login: s.author_login,
      created_at: s.created_at,
      ciphertext_sha256: s.ciphertext_sha256,
      status: 'deleted',
    });
  }
  records.sort(byTime);
  valid.sort((a, b) => byTime(a.opened.record, b.opened.record));
  // Among the valid ones, in created_at order: one per author (first or last), then the limit.
  const keep = new Map<number, (typeof valid)[number]>();
  for (const v of valid) {
    const kept = keep.get(v.comment.author_id);
    if (!kept) keep.set(v.comment.author_id, v);
    else if (rules.one_per_author === 'first') v.opened.record.reason = 'duplicate';
    else {
      kept.opened.record.reason = 'duplicate';
      keep.set(v.comment.author_id, v);
    }
  }
  const accepted: Opened[] = [];
  for (const v of valid) {
    if (v.opened.record.reason) continue;
    if (accepted.length >= rules.max_submissions) v.opened.record.reason = 'over_limit';
    else {
      v.opened.record.status = 'accepted';
      accepted.push(v.opened);
    }
  }
  return { records, accepted };
}

/**
 * When a first-per-author box is full (docs/spec/sealed-box-v1.1.md,
 * "Collecting and closing"): one second after the created_at of the comment
 * that filled it, as milliseconds; undefined when it is not full or the rule
 * is last-per-author. `classified` is the listing classified up to closes_at.
 */
export function earlyCloseAt(rules: Manifest['rules'], classified: Classified): number | undefined {
  if (rules.one_per_author !== 'first') return undefined;
  const filler = classified.accepted[rules.max_submissions - 1]?.record;
  return filler ? at(filler.created_at) + 1000 : undefined;
}

/**
 * What two final listings must agree on: the comments created before
 * closed_at, each with its status and reason (edits to later comments cannot
 * stall agreement).
 */
export function agreementKey(records: SubmissionRecord[], closedAt: number): string {
  return records
    .filter((r) => at(r.created_at) < closedAt)
    .map((r) => `${r.comment_id}:${r.status}:${r.reason ?? ''}:${r.ciphertext_sha256}`)
    .sort()
    .join(',');
}
