// `recompute`: where a computation reveals its inputs, its output follows from
// them; a ceremony's key is consistent with what was published.
import { describe } from '../../errors.ts';
import { failed, notEvaluated, passed, type Check } from '../../check.ts';
import { compute } from '../compute/index.ts';
import { takeReplies } from '../replies.ts';
import { MANIFEST_VERSION_V1, type AnyManifest } from '../manifest.ts';
import type { BoxResult } from '../result.ts';
import { ceremonyCheck } from './ceremony.ts';
import type { BoxEvidence } from './evidence.ts';

export function recomputeCheck(e: BoxEvidence): Check {
  if (!e.manifest.ok) return notEvaluated('recompute', e.manifest.reason);
  if (!e.result.ok) return notEvaluated('recompute', e.result.reason);
  try {
    return recompute(e.manifest.value, e.result.value);
  } catch (err) {
    return failed('recompute', 'RECOMPUTE', `the output cannot be checked: ${describe(err)}`);
  }
}

function recompute(manifest: AnyManifest, result: BoxResult): Check {
  if (manifest.version === MANIFEST_VERSION_V1)
    return passed('recompute', "v1 evidence: computed under v1's rules, not recomputed");
  const { name, parameters } = manifest.computation;
  if (result.status !== 'complete')
    return passed('recompute', `nothing to recompute: the box ${result.status}`);
  const accepted = result.submissions.filter((s) => s.status === 'accepted');
  if (name === 'ceremony') return ceremonyCheck(manifest, result);
  if (name === 'reveal') {
    const out = result.output as {
      submissions?: { author_id: number; comment_id: number; message: string }[];
    };
    const revealed = out?.submissions ?? [];
    const same =
      accepted.length === revealed.length &&
      accepted.every(
        (s, i) =>
          s.comment_id === revealed[i]!.comment_id && s.author_id === revealed[i]!.author_id,
      );
    return same
      ? passed('recompute', 'the revealed inputs are exactly the accepted submissions')
      : failed('recompute', 'RECOMPUTE', 'the revealed inputs are not the accepted submissions');
  }
  if (name === 'auction' && parameters.reveal_bids === true) {
    const out = result.output as { bids?: { message?: unknown }[] };
    const inputs = accepted.map((s, i) => ({
      author_id: s.author_id,
      author_login: s.author_login,
      comment_id: s.comment_id,
      message: String(out?.bids?.[i]?.message ?? ''),
    }));
    const again = takeReplies(
      compute(name, parameters, inputs, manifest.rules.min_participants),
      inputs,
    ).output;
    return JSON.stringify(again) === JSON.stringify(result.output)
      ? passed('recompute', 'the auction outcome follows from the revealed bids')
      : failed(
          'recompute',
          'RECOMPUTE',
          'the auction outcome does not follow from the revealed bids',
        );
  }
  return passed('recompute', `${name} does not reveal its inputs: nothing to recompute`);
}
