// The replies of a v1.1 result, as a record (part of `transcript`): each
// answers one accepted submission, no submission gets two, and each armour
// holds a padded reply of the box's suite (its length a reply bucket), with a
// commitment. What a reply says only its reader can check (`box reply`).
import { decodeArmour, findArmour } from '../armour.ts';
import { MANIFEST_VERSION_V1, type AnyManifest } from '../manifest.ts';
import { replyBuckets } from '../reply-padding.ts';
import type { BoxResult } from '../result.ts';

const TAG_LENGTH = 16;

export function replyProblems(manifest: AnyManifest, result: BoxResult): string[] {
  if (manifest.version === MANIFEST_VERSION_V1 || !result.replies) return [];
  const problems: string[] = [];
  const accepted = new Set(
    result.submissions.filter((s) => s.status === 'accepted').map((s) => s.comment_id),
  );
  const sizes = new Set(replyBuckets().map((b) => b + TAG_LENGTH));
  const seen = new Set<number>();
  for (const r of result.replies) {
    if (seen.has(r.comment_id)) problems.push(`comment ${r.comment_id} has two replies`);
    seen.add(r.comment_id);
    if (!accepted.has(r.comment_id))
      problems.push(`a reply answers comment ${r.comment_id}, which is not an accepted submission`);
    const text = findArmour(r.armour, 'reply');
    const parts = text === undefined ? undefined : decodeArmour(text, manifest.hpke.suite);
    if (!parts || !sizes.has(parts.ct.length))
      problems.push(
        `the reply to comment ${r.comment_id} is not a padded reply of this box's suite`,
      );
  }
  return problems;
}
