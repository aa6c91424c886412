// result.json: what the box did, bound to its manifest. Portable.
import * as z from 'zod/mini';
import { parseDocument } from './document.ts';
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

const iso = z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'is not a UTC time'));
const reason = z.enum([
  'late',
  'edited',
  'not_allowed',
  'too_large',
  'malformed',
  'undecryptable',
  'duplicate',
  'over_limit',
]);
const count = z.number().check(z.int(), z.nonnegative());

/** result.json's shape; a verifier reads nothing from it before this holds. */
export const resultSchema = z.object({
  version: z.literal(RESULT_VERSION, `is not ${RESULT_VERSION}`),
  box_id: z.string(),
  manifest_digest: z.string(),
  opens_at: iso,
  closes_at: iso,
  closed_at: iso,
  status: z.enum(['complete', 'aborted']),
  reason: z.optional(z.string()),
  submissions: z.array(
    z.object({
      comment_id: count,
      author_id: count,
      author_login: z.string(),
      created_at: iso,
      ciphertext_sha256: z.string(),
      status: z.enum(['accepted', 'rejected']),
      reason: z.optional(reason),
    }),
  ),
  counts: z.object({
    armoured: count,
    accepted: count,
    rejected: count,
    by_reason: z.record(z.string(), count),
  }),
  output: z.unknown(),
  replies: z.optional(z.array(z.object({ comment_id: count, armour: z.string() }))),
});

export function parseResult(bytes: Uint8Array, label = 'result.json'): BoxResult {
  return parseDocument(resultSchema, bytes, label) as BoxResult;
}
