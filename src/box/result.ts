// result.json: what the box did, bound to its manifest. Portable.
import type { RejectReason, SubmissionRecord } from './submissions.ts';

export const RESULT_VERSION = 'sealbox-box-result/v1';

export interface BoxResult {
  version: typeof RESULT_VERSION;
  box_id: string;
  manifest_digest: string;
  opens_at: string;
  closes_at: string;
  closed_at: string;
  status: 'complete' | 'aborted';
  reason?: string;
  submissions: SubmissionRecord[];
  counts: {
    armoured: number;
    accepted: number;
    rejected: number;
    by_reason: Partial<Record<RejectReason, number>>;
  };
  output: unknown;
  /** Private replies, each sealed to the reply key its submission carried. */
  replies?: { comment_id: number; armour: string }[];
}

export function buildResult(fields: Omit<BoxResult, 'version' | 'counts'>): BoxResult {
  const by_reason: Partial<Record<RejectReason, number>> = {};
  for (const s of fields.submissions)
    if (s.reason) by_reason[s.reason] = (by_reason[s.reason] ?? 0) + 1;
  const accepted = fields.submissions.filter((s) => s.status === 'accepted').length;
  return {
    version: RESULT_VERSION,
    ...fields,
    counts: {
      armoured: fields.submissions.length,
      accepted,
      rejected: fields.submissions.length - accepted,
      by_reason,
    },
  };
}

export function resultBytes(r: BoxResult): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(r, null, 2) + '\n');
}
