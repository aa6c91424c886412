// result.json: what the box did, bound to its manifest. Portable.
import * as z from 'zod/mini';
import { parseDocument, peekVersion, RESULT_BOUNDS } from './document.ts';
import { parseTime } from './times.ts';
import type { RejectReason, SubmissionRecord } from './close-rules.ts';

export const RESULT_VERSION = 'sealbox-box-result/v1.1';
export const RESULT_VERSION_V1 = 'sealbox-box-result/v1';

export interface BoxResult {
  version: typeof RESULT_VERSION | typeof RESULT_VERSION_V1;
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
    deleted?: number;
    by_reason: Partial<Record<RejectReason, number>>;
  };
  output: unknown;
  /**
   * Private replies, each sealed to the reply key its submission carried,
   * with a salted commitment to its text (v1.1; v1 had none).
   */
  replies?: { comment_id: number; armour: string; commitment?: string }[];
}

export function buildResult(fields: Omit<BoxResult, 'version' | 'counts'>): BoxResult {
  const by_reason: Partial<Record<RejectReason, number>> = {};
  for (const s of fields.submissions)
    if (s.reason) by_reason[s.reason] = (by_reason[s.reason] ?? 0) + 1;
  const count = (status: SubmissionRecord['status']) =>
    fields.submissions.filter((s) => s.status === status).length;
  return {
    version: RESULT_VERSION,
    ...fields,
    counts: {
      armoured: fields.submissions.length,
      accepted: count('accepted'),
      rejected: count('rejected'),
      deleted: count('deleted'),
      by_reason,
    },
  };
}

export function resultBytes(r: BoxResult): Uint8Array {
  // The text and its newline encoded apart: no second, joined copy of a large result's text.
  const text = new TextEncoder().encode(JSON.stringify(r, null, 2));
  const bytes = new Uint8Array(text.length + 1);
  bytes.set(text);
  bytes[text.length] = 0x0a;
  return bytes;
}

/** A box time: `YYYY-MM-DDTHH:MM:SSZ`, a real instant. */
export const boxTime = z
  .string()
  .check(z.refine((s) => parseTime(s) !== undefined, 'is not a UTC time to the second'));
export const REJECT_REASONS = [
  'late',
  'edited',
  'not_allowed',
  'too_large',
  'malformed',
  'bad_signature',
  'undecryptable',
  'duplicate',
  'over_limit',
] as const;
const count = z.number().check(z.int(), z.nonnegative());
const hex64 = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'is not a sha256 hex digest'));

const submission = z.object({
  comment_id: count,
  author_id: count,
  author_login: z.string(),
  created_at: boxTime,
  ciphertext_sha256: hex64,
  status: z.enum(['accepted', 'rejected', 'deleted']),
  reason: z.optional(z.enum(REJECT_REASONS)),
  signing_key: z.optional(z.string()),
});

const fields = {
  box_id: z.string(),
  manifest_digest: z.string(),
  opens_at: boxTime,
  closes_at: boxTime,
  closed_at: boxTime,
  status: z.enum(['complete', 'aborted']),
  reason: z.optional(z.string()),
  submissions: z.array(submission),
  counts: z.object({
    armoured: count,
    accepted: count,
    rejected: count,
    deleted: z.optional(count),
    by_reason: z.record(z.string(), count),
  }),
  output: z.unknown(),
};

/** result.json's shape; a verifier reads nothing from it before this holds. */
export const resultSchema = z.object({
  version: z.literal(RESULT_VERSION, `is not ${RESULT_VERSION}`),
  ...fields,
  replies: z.optional(
    z.array(z.object({ comment_id: count, armour: z.string(), commitment: hex64 })),
  ),
});
const resultSchemaV1 = z.object({
  version: z.literal(RESULT_VERSION_V1),
  ...fields,
  replies: z.optional(z.array(z.object({ comment_id: count, armour: z.string() }))),
});

/** A result of either version (v1 evidence verifies only where explicitly allowed). */
export function parseResult(bytes: Uint8Array, label = 'result.json'): BoxResult {
  const schema: z.ZodMiniType<unknown> =
    peekVersion(bytes) === RESULT_VERSION_V1 ? resultSchemaV1 : resultSchema;
  return parseDocument(schema, bytes, label, RESULT_BOUNDS) as BoxResult;
}
