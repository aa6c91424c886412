// Private replies (docs/spec/replies-v1.1.md): a submission may carry a reply
// key of the box's suite; the result then carries, for that submission, a
// reply sealed to it (bound to the box and to that submission, padded to a
// bucket) and a salted commitment to the reply's text, so that its reader can
// later prove to anyone what the box told them. Portable.
import { fromBase64, sha256Hex, toHex } from '../bytes.ts';
import type { ComputeInput } from './compute/index.ts';
import { open, seal, type BoxKeyPair, type SuiteName } from './hpke.ts';
import { armour, decodeArmour, findArmour } from './armour.ts';
import { PUBLIC_KEY_LENGTH } from './padding.ts';
import {
  padReply,
  replyFits,
  SALT_LENGTH,
  unpadReply,
  type ReplyUnpadReason,
} from './reply-padding.ts';

const te = new TextEncoder();

/** A reply as result.json carries it. */
export interface SealedReply {
  comment_id: number;
  armour: string;
  /** SHA-256 (hex) of the reply's commitment text: its salt and its message, bound to the box and the submission. */
  commitment: string;
}

/** The submission a reply answers, as the result records it. */
export interface RepliedSubmission {
  comment_id: number;
  author_id: number;
  ciphertext_sha256: string;
}

/** The box a reply belongs to. */
export interface ReplyBox {
  box_id: string;
  manifest_digest: string;
}

/** What replaces a reply too long for the last reply bucket. */
export const REPLY_TOO_LARGE = JSON.stringify({ error: 'reply_too_large' });

/** HPKE info of a reply: binds it to the manifest. */
export function replyInfo(manifestDigest: string): Uint8Array {
  return te.encode(`sealbox-box/v1.1 reply ${manifestDigest}`);
}

/** HPKE aad of a reply: binds it to the box and to the submission it answers (comment, author, ciphertext). */
export function replyAad(boxId: string, s: RepliedSubmission): Uint8Array {
  return te.encode(
    `sealbox-box/v1.1 reply-aad ${boxId} ${s.comment_id} ${s.author_id} ${s.ciphertext_sha256}`,
  );
}

/** The text a reply's commitment hashes. */
export function commitmentText(
  box: ReplyBox,
  commentId: number,
  salt: Uint8Array,
  message: string,
): Uint8Array {
  return te.encode(
    [
      'sealbox-box/v1.1 reply-commitment',
      `box_id ${box.box_id}`,
      `manifest_digest ${box.manifest_digest}`,
      `comment_id ${commentId}`,
      `salt ${toHex(salt)}`,
      message,
    ].join('\n'),
  );
}

/** The commitment (hex SHA-256) to a reply's message under its salt. */
export function replyCommitment(
  box: ReplyBox,
  commentId: number,
  salt: Uint8Array,
  message: string,
): Promise<string> {
  return sha256Hex(commitmentText(box, commentId, salt, message));
}

/**
 * The reply key a plaintext carried, when the box's suite can seal to it (a
 * trial encapsulation: a key of low order, say, fails here and not later);
 * undefined otherwise: that submission gets no reply, and is no ceremony
 * recipient.
 */
export async function usableReplyKey(
  suite: SuiteName,
  base64: string | undefined,
): Promise<Uint8Array | undefined> {
  if (base64 === undefined) return undefined;
  try {
    const key = fromBase64(base64);
    if (key.length !== PUBLIC_KEY_LENGTH[suite]) return undefined;
    await seal(suite, key, new Uint8Array(0), new Uint8Array(0), new Uint8Array(0));
    return key;
  } catch {
    return undefined;
  }
}

/**
 * What each submitter is told privately: the computation's own replies when
 * its output carries `replies` (keyed by comment id; they are taken out of the
 * public output), else that the submission was accepted.
 */
export function takeReplies(
  output: unknown,
  inputs: ComputeInput[],
): { output: unknown; replies: Map<number, string> } {
  const replies = new Map<number, string>();
  let publicOutput = output;
  if (output && typeof output === 'object' && 'replies' in output) {
    const { replies: given, ...rest } = output as { replies: Record<string, unknown> };
    publicOutput = rest;
    for (const [id, r] of Object.entries(given ?? {}))
      replies.set(Number(id), typeof r === 'string' ? r : JSON.stringify(r));
  }
  for (const i of inputs)
    if (!replies.has(i.comment_id)) replies.set(i.comment_id, JSON.stringify({ accepted: true }));
  return { output: publicOutput, replies };
}

/** A submission to reply to: its record and the reply key it carried (checked usable). */
export interface ReplyRecipient {
  submission: RepliedSubmission;
  key: Uint8Array;
}

/**
 * Seals each recipient's reply (in the order given), with a fresh salt and its
 * commitment. A reply too long for the last bucket is replaced by
 * REPLY_TOO_LARGE. Throws if sealing fails: every recipient's key was checked.
 */
export async function sealReplies(
  suite: SuiteName,
  box: ReplyBox,
  recipients: ReplyRecipient[],
  replies: Map<number, string>,
  randomBytes: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): Promise<SealedReply[]> {
  const sealed: SealedReply[] = [];
  for (const { submission, key } of recipients) {
    const given = replies.get(submission.comment_id);
    if (given === undefined) continue;
    const message = replyFits(given) ? given : REPLY_TOO_LARGE;
    const salt = randomBytes(SALT_LENGTH);
    const { enc, ct } = await seal(
      suite,
      key,
      padReply(salt, message),
      replyInfo(box.manifest_digest),
      replyAad(box.box_id, submission),
    );
    sealed.push({
      comment_id: submission.comment_id,
      armour: armour(enc, ct, 'reply'),
      commitment: await replyCommitment(box, submission.comment_id, salt, message),
    });
  }
  return sealed;
}

export type OpenedReply =
  | { ok: true; message: string; salt: Uint8Array; commitment: string }
  | { ok: false; reason: 'armour' | 'undecryptable' | ReplyUnpadReason | 'commitment' };

/**
 * The reader's side: open the reply to their submission with their reply key
 * pair, and check it against its commitment. Total: never throws on what the
 * result holds.
 */
export async function openReply(
  mine: BoxKeyPair,
  box: ReplyBox,
  submission: RepliedSubmission,
  reply: SealedReply,
): Promise<OpenedReply> {
  const text = findArmour(reply.armour, 'reply');
  const parts = text === undefined ? undefined : decodeArmour(text, mine.suite);
  if (!parts) return { ok: false, reason: 'armour' };
  let bytes: Uint8Array;
  try {
    bytes = await open(
      mine,
      parts.enc,
      parts.ct,
      replyInfo(box.manifest_digest),
      replyAad(box.box_id, submission),
    );
  } catch {
    return { ok: false, reason: 'undecryptable' };
  }
  const unpadded = unpadReply(bytes);
  if (!unpadded.ok) return unpadded;
  const commitment = await replyCommitment(
    box,
    submission.comment_id,
    unpadded.salt,
    unpadded.message,
  );
  if (commitment !== reply.commitment) return { ok: false, reason: 'commitment' };
  return { ok: true, message: unpadded.message, salt: unpadded.salt, commitment };
}
