// `recompute` for a key ceremony: what can be recomputed without the key.
// The recipients follow from the accepted submissions and the replies, the
// key was made (or withheld) as the threshold says, the commitments are t
// points of P-256 whose first is the published public key, and every
// recipient got a reply. The shares themselves only their holders can check.
import fastDeepEqual from 'fast-deep-equal';
import { failed, passed, type Check } from '../../check.ts';
import { encodesPoint } from '../ceremony/keys.ts';
import { validCommitments } from '../ceremony/shares.ts';
import { recipientsOf } from '../compute/ceremony.ts';
import type { Manifest } from '../manifest.ts';
import type { BoxResult } from '../result.ts';

const fail = (reason: string) => failed('recompute', 'RECOMPUTE', `ceremony: ${reason}`);

export function ceremonyCheck(manifest: Manifest, result: BoxResult): Check {
  const p = manifest.computation.parameters;
  const t = p.threshold as number;
  const replied = new Set((result.replies ?? []).map((r) => r.comment_id));
  // Acceptance order is the result's order (created_at, then comment id).
  const inputs = result.submissions
    .filter((s) => s.status === 'accepted')
    .map((s) => ({
      author_id: s.author_id,
      author_login: s.author_login,
      comment_id: s.comment_id,
      message: '',
      reply_key: replied.has(s.comment_id),
    }));
  const expected = recipientsOf(inputs, p);
  const n = expected.recipients.length;
  const enough = n >= t && n >= manifest.rules.min_participants;
  const out = result.output as Record<string, unknown> | null;
  if (out && typeof out === 'object' && out.withheld === true) {
    if (enough) return fail(`withheld, though ${n} recipients got a reply (threshold ${t})`);
    const members = Object.keys(out).sort();
    if (!fastDeepEqual(members, ['reason', 'withheld']) || typeof out.reason !== 'string')
      return fail(
        `a withheld ceremony's output is exactly {withheld: true, reason: text}; it has ${members.join(', ')}`,
      );
    return passed(
      'recompute',
      `ceremony withheld: ${n} recipient(s), fewer than needed (threshold ${t}): no key was made`,
    );
  }
  if (!out || typeof out !== 'object') return fail('the output is not an object');
  if (!enough)
    return fail(`a key was published for ${n} recipient(s), fewer than needed (threshold ${t})`);
  const members = Object.keys(out).sort();
  const want = [
    'commitments',
    'public_key',
    'recipients',
    'threshold',
    ...(expected.missing ? ['missing'] : []),
  ].sort();
  if (!fastDeepEqual(members, want))
    return fail(`the output has members ${members.join(', ')}, not ${want.join(', ')}`);
  if (out.threshold !== t)
    return fail(`threshold ${String(out.threshold)}, not the manifest's ${t}`);
  if (!validCommitments(out.commitments, t))
    return fail(`the commitments are not ${t} points of P-256`);
  const commitments = out.commitments as string[];
  if (!encodesPoint(out.public_key, commitments[0]!))
    return fail('the public key is not the first commitment');
  const recipients = expected.recipients.map((r) => ({
    index: r.index,
    author_id: r.input.author_id,
    author_login: r.input.author_login,
    comment_id: r.input.comment_id,
  }));
  if (!fastDeepEqual(out.recipients, recipients))
    return fail(
      'the recipients are not the accepted submissions that got a reply, with their indices',
    );
  if (expected.missing && !fastDeepEqual(out.missing, expected.missing))
    return fail('the missing user ids are not the listed ones without a reply');
  return passed(
    'recompute',
    `ceremony: a ${t}-of-${n} P-256 key; its ${t} commitments are points whose first is the public key; every recipient got a reply`,
  );
}
