// Private replies: a submission may carry a reply public key (same suite as
// the box); the result then carries, for that submission, a reply sealed to
// it, so two agents can exchange answers through a public bus. Portable.
import { fromBase64 } from '../bytes.ts';
import type { ComputeInput } from './compute/index.ts';
import { open, seal, type BoxKeyPair, type SuiteName } from './hpke.ts';
import { armour, decodeArmour, findArmour } from './armour.ts';
import type { Opened } from './close-rules.ts';

const te = new TextEncoder();

export interface SealedReply {
  comment_id: number;
  armour: string;
}

export function replyInfo(manifestDigest: string): Uint8Array {
  return te.encode(`sealbox-box/v1 reply ${manifestDigest}`);
}

export function replyAad(boxId: string, commentId: number): Uint8Array {
  return te.encode(`sealbox-box/v1 reply-aad ${boxId} ${commentId}`);
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

export async function sealReplies(
  suite: SuiteName,
  manifestDigest: string,
  boxId: string,
  accepted: Opened[],
  replies: Map<number, string>,
): Promise<SealedReply[]> {
  const sealed: SealedReply[] = [];
  for (const a of accepted) {
    const key = a.plaintext.reply_public_key;
    const text = replies.get(a.record.comment_id);
    if (!key || text === undefined) continue;
    try {
      const pk = fromBase64(key);
      const { enc, ct } = await seal(
        suite,
        pk,
        te.encode(text),
        replyInfo(manifestDigest),
        replyAad(boxId, a.record.comment_id),
      );
      sealed.push({ comment_id: a.record.comment_id, armour: armour(enc, ct) });
    } catch {
      // A reply key that is not a key of the suite gets no reply; the submission still counts.
    }
  }
  return sealed;
}

/** The submitter's side: open the reply for their comment with their reply key pair. */
export async function openReply(
  mine: BoxKeyPair,
  manifestDigest: string,
  boxId: string,
  reply: SealedReply,
): Promise<string> {
  const parts = decodeArmour(findArmour(reply.armour)!, mine.suite)!;
  return new TextDecoder().decode(
    await open(
      mine,
      parts.enc,
      parts.ct,
      replyInfo(manifestDigest),
      replyAad(boxId, reply.comment_id),
    ),
  );
}
