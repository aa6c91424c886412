// `reply_proof`: a participant revealed what the box told them (a reply
// document: the message and its salt); its commitment is the one the
// attested result holds for their submission.
import { failed, notEvaluated, passed, type Check } from '../../check.ts';
import { replyCommitment } from '../replies.ts';
import type { ReplyDocument } from '../reply-document.ts';
import type { BoxEvidence } from './evidence.ts';

const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const MAX_SHOWN = 200;

export async function replyProofCheck(e: BoxEvidence, proof: ReplyDocument): Promise<Check> {
  if (!e.result.ok) return notEvaluated('reply_proof', e.result.reason);
  if (!e.manifest.ok) return notEvaluated('reply_proof', e.manifest.reason);
  const fail = (reason: string) => failed('reply_proof', 'REPLY_PROOF', reason);
  if (proof.box_id !== e.manifest.value.box_id || proof.manifest_digest !== e.manifestDigest)
    return fail(`the reply document is for box ${proof.box_id}, not this one`);
  const m = e.manifest.value;
  const address = 'bus' in m ? m.bus.address : undefined;
  if (proof.box !== undefined && proof.box.toLowerCase() !== address?.toLowerCase())
    return fail(
      `the reply document names box ${JSON.stringify(proof.box)}, not this one (${address ?? 'a box without an address'})`,
    );
  const reply = e.result.value.replies?.find((r) => r.comment_id === proof.comment_id);
  if (!reply?.commitment) return fail(`the result has no reply to comment ${proof.comment_id}`);
  const commitment = await replyCommitment(
    { box_id: proof.box_id, manifest_digest: proof.manifest_digest },
    proof.comment_id,
    fromHex(proof.salt),
    proof.message,
  );
  if (proof.commitment !== reply.commitment)
    return fail(
      `the reply document's commitment is not the one the result holds for comment ${proof.comment_id}`,
    );
  if (commitment !== reply.commitment)
    return fail(
      `the message and salt revealed do not make the commitment the result holds for comment ${proof.comment_id}`,
    );
  const shown = JSON.stringify(
    proof.message.length > MAX_SHOWN ? `${proof.message.slice(0, MAX_SHOWN)}…` : proof.message,
  );
  return passed('reply_proof', `the box told comment ${proof.comment_id}: ${shown}`);
}
