// A reply document (docs/spec/replies-v1.1.md, "Reply documents"): what a
// participant keeps of the reply the box sent them. With its salt it proves
// to anyone holding the box's verified result what the box said (the
// commitment); for a key ceremony it also carries the share and what it was
// checked against, for `sealbox ceremony combine`. It is the participant's
// to reveal: the salt is the commitment's secret, a share the key's. Portable.
import * as z from 'zod/mini';
import { SealboxError } from '../errors.ts';
import { parseJsonAs } from './document.ts';
import type { Jwk } from './ceremony/keys.ts';

export const REPLY_DOCUMENT_VERSION = 'sealbox-reply/v1.1';

export interface CeremonyPart {
  threshold: number;
  /** How many recipients got a share. */
  shares: number;
  index: number;
  /** The share, 32 bytes big-endian, hex. */
  share: string;
  public_key: { pem: string; jwk: Jwk };
  commitments: string[];
}

export interface ReplyDocument {
  version: typeof REPLY_DOCUMENT_VERSION;
  /** OWNER/REPO#N, when the box is on GitHub. */
  box?: string;
  box_id: string;
  manifest_digest: string;
  comment_id: number;
  /** The reply's text, exactly as the box sent it. */
  message: string;
  /** The commitment's salt, hex. */
  salt: string;
  commitment: string;
  ceremony?: CeremonyPart;
}

const hex64 = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'is not 64 hex digits'));
const schema = z.object({
  version: z.literal(REPLY_DOCUMENT_VERSION, `is not ${REPLY_DOCUMENT_VERSION}`),
  box: z.optional(z.string()),
  box_id: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a box id')),
  manifest_digest: hex64,
  comment_id: z.number().check(z.int(), z.positive()),
  message: z.string(),
  salt: hex64,
  commitment: hex64,
  ceremony: z.optional(
    z.object({
      threshold: z.number().check(z.int(), z.positive()),
      shares: z.number().check(z.int(), z.positive()),
      index: z.number().check(z.int(), z.positive()),
      share: hex64,
      public_key: z.object({
        pem: z.string(),
        jwk: z.object({
          kty: z.literal('EC'),
          crv: z.literal('P-256'),
          x: z.string(),
          y: z.string(),
        }),
      }),
      commitments: z.array(z.string().check(z.regex(/^0[23][0-9a-f]{64}$/, 'is not a point'))),
    }),
  ),
});

export function replyDocumentText(d: ReplyDocument): string {
  return JSON.stringify(d, null, 2) + '\n';
}

/** A reply document's contents; an INPUT_INVALID error naming the file otherwise. */
export function parseReplyDocument(text: string, label: string): ReplyDocument {
  const invalid = (why: string) =>
    new SealboxError('INPUT_INVALID', `${label}: is not a sealbox reply document (${why})`);
  const data = parseJsonAs(schema, text, invalid);
  return data as ReplyDocument;
}
