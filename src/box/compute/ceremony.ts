// ceremony: a P-256 key made in the box, published (public key and Feldman
// commitments) in the attested result, its private scalar handed out only as
// Shamir shares, one per recipient, in private replies
// (docs/spec/replies-v1.1.md, "Key ceremonies"). Messages are not read.
import { fromHex } from '../../bytes.ts';
import { publicKeyEncodings } from '../ceremony/keys.ts';
import { deal, MAX_RECIPIENTS, MAX_THRESHOLD, MIN_THRESHOLD } from '../ceremony/shares.ts';
import { ParameterError, onlyParameters, type Computation, type ComputeInput } from './types.ts';

const PARAMETERS = ['threshold', 'recipients'] as const;

export interface Recipient {
  index: number;
  input: ComputeInput;
}

/** The listed user ids, or undefined when the recipients are the participants. */
function listed(p: Record<string, unknown>): number[] | undefined {
  return Array.isArray(p.recipients) ? (p.recipients as number[]) : undefined;
}

/**
 * The recipients and their indices: the participants with a reply key, in
 * acceptance order (1 .. n); or, for a list of user ids, each listed id's
 * accepted submission with a reply key, indexed by its place in the list.
 */
export function recipientsOf(
  inputs: ComputeInput[],
  p: Record<string, unknown>,
): { recipients: Recipient[]; missing?: number[] } {
  const ids = listed(p);
  if (!ids)
    return {
      recipients: inputs.filter((i) => i.reply_key).map((input, k) => ({ index: k + 1, input })),
    };
  const recipients: Recipient[] = [];
  const missing: number[] = [];
  ids.forEach((id, k) => {
    const input = inputs.find((i) => i.author_id === id && i.reply_key);
    if (input) recipients.push({ index: k + 1, input });
    else missing.push(id);
  });
  return { recipients, missing };
}

export const ceremony: Computation = {
  name: 'ceremony',
  reveals: () => false,
  validate(p) {
    onlyParameters('ceremony', p, PARAMETERS);
    const t = p.threshold;
    if (!Number.isSafeInteger(t) || (t as number) < MIN_THRESHOLD || (t as number) > MAX_THRESHOLD)
      throw new ParameterError(
        'threshold',
        `is a whole number from ${MIN_THRESHOLD} to ${MAX_THRESHOLD} (shares needed to recombine the key)`,
      );
    const r = p.recipients;
    if (r === undefined || r === 'participants') return;
    if (
      !Array.isArray(r) ||
      !r.length ||
      r.length > MAX_RECIPIENTS ||
      !r.every((id) => Number.isSafeInteger(id) && id > 0)
    )
      throw new ParameterError(
        'recipients',
        `is "participants" or a list of 1 to ${MAX_RECIPIENTS} numeric GitHub user ids`,
      );
    if (new Set(r).size !== r.length)
      throw new ParameterError('recipients', 'names a user id twice');
    if (r.length < (t as number))
      throw new ParameterError(
        'recipients',
        `lists ${r.length} user ids, fewer than the threshold ${t as number}: no key could ever be recombined`,
      );
  },
  validInputs: (inputs, p) => recipientsOf(inputs, p).recipients.length,
  run(inputs, p, context) {
    const t = p.threshold as number;
    const { recipients, missing } = recipientsOf(inputs, p);
    if (recipients.length < t)
      return {
        withheld: true,
        reason: `${recipients.length} recipient(s) with a reply key, fewer than the threshold ${t}: no key was made`,
      };
    if (!context.seed || context.seed.length !== 32)
      throw new Error('the ceremony needs 32 random bytes');
    const dealt = deal(
      context.seed,
      t,
      recipients.map((r) => r.index),
    );
    return {
      replies: Object.fromEntries(
        recipients.map((r) => [
          r.input.comment_id,
          { index: r.index, share: dealt.shares.get(r.index)! },
        ]),
      ),
      threshold: t,
      recipients: recipients.map((r) => ({
        index: r.index,
        author_id: r.input.author_id,
        author_login: r.input.author_login,
        comment_id: r.input.comment_id,
      })),
      ...(missing ? { missing } : {}),
      public_key: publicKeyEncodings(fromHex(dealt.publicKey)),
      commitments: dealt.commitments,
    };
  },
};
