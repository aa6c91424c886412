// `reply_proof`: a participant revealed what the box told them (a reply
// document: the message and its salt); its commitment is the one the
// attested result holds for their submission. The rule is `replyProofRule`
// (docs/spec/replies-v1.1.md §7, vectors `reply_proofs`); the check reports it.
import { failed, notEvaluated, passed, type Check } from '../../check.ts';
import { fromHex } from '../../bytes.ts';
import { replyCommitment } from '../replies.ts';
import type { ReplyDocument } from '../reply-document.ts';
import type { BoxEvidence } from './evidence.ts';

const MAX_SHOWN = 200;

/** What a reply document is checked against: the box, as its manifest names it, and its result's replies. */
export interface ReplyProofContext {
  box_id: string;
  manifest_digest: string;
  /** The manifest's bus address (OWNER/REPO#N), when it has one. */
  address?: string;
  replies: { comment_id: number; commitment?: string }[];
}

/** The first rule a reply document breaks, in the spec's order. */
export type ReplyProofRule =
  'other_box' | 'other_address' | 'no_reply' | 'other_commitment' | 'commitment_mismatch';

/** §7: a reply document proves what the box told a comment, or names the first rule it breaks. */
export async function replyProofRule(
  box: ReplyProofContext,
  proof: ReplyDocument,
): Promise<ReplyProofRule | undefined> {
  if (proof.box_id !== box.box_id || proof.manifest_digest !== box.manifest_digest)
    return 'other_box';
  if (proof.box !== undefined && proof.box.toLowerCase() !== box.address?.toLowerCase())
    return 'other_address';
  const reply = box.replies.find((r) => r.comment_id === proof.comment_id);
  if (!reply?.commitment) return 'no_reply';
  if (proof.commitment !== reply.commitment) return 'other_commitment';
  const commitment = await replyCommitment(
    { box_id: proof.box_id, manifest_digest: proof.manifest_digest },
    proof.comment_id,
    fromHex(proof.salt),
    proof.message,
  );
  return commitment === reply.commitment ? undefined : 'commitment_mismatch';
}

export async function replyProofCheck(e: BoxEvidence, proof: ReplyDocument): Promise<Check> {
  if (!e.result.ok) return notEvaluated('reply_proof', e.result.reason);
  if (!e.manifest.ok) return notEvaluated('reply_proof', e.manifest.reason);
  const m = e.manifest.value;
  const address = 'bus' in m ? m.bus.address : undefined;
  const rule = await replyProofRule(
    {
      box_id: m.box_id,
      manifest_digest: e.manifestDigest,
      address,
      replies: e.result.value.replies ?? [],
    },
    proof,
  );
  const fail = (reason: string) => failed('reply_proof', 'REPLY_PROOF', reason);
  switch (rule) {
    case 'other_box':
      return fail(`the reply document is for box ${proof.box_id}, not this one`);
    case 'other_address':
      return fail(
        `the reply document names box ${JSON.stringify(proof.box)}, not this one (${address ?? 'a box without an address'})`,
      );
    case 'no_reply':
      return fail(`the result has no reply to comment ${proof.comment_id}`);
    case 'other_commitment':
      return fail(
        `the reply document's commitment is not the one the result holds for comment ${proof.comment_id}`,
      );
    case 'commitment_mismatch':
      return fail(
        `the message and salt revealed do not make the commitment the result holds for comment ${proof.comment_id}`,
      );
  }
  const shown = JSON.stringify(
    proof.message.length > MAX_SHOWN ? `${proof.message.slice(0, MAX_SHOWN)}…` : proof.message,
  );
  return passed('reply_proof', `the box told comment ${proof.comment_id}: ${shown}`);
}
