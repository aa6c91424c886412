// Trusted roots: parsing and semantic validation. Portable (no Node APIs).
//
// A root decides everything a verification trusts, so a malformed one is an
// error, never a silent pass: protobuf's fromJSON fills missing fields with
// defaults, and a verifier that then reads a missing `validFor.start` as "the
// beginning of time" trusts a key for longer than its operator said. We check
// the raw JSON first, with every bound the specification requires.
import { TrustedRoot } from '@sigstore/protobuf-specs';
import * as z from 'zod/mini';
import { SealboxError, describe } from '../errors.ts';
import type { InstanceName } from './instances.ts';

export const TRUSTED_ROOT_MEDIA_TYPES = [
  'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  'application/vnd.dev.sigstore.trustedroot.v0.2+json',
] as const;

// zod/mini: the same schemas as zod's classic API, a fraction of its start-up
// cost; built on first use (the embedded root needs none: a verification
// against it never builds them).
function buildTrustedRootSchema() {
  const base64 = z.string('is missing').check(
    z.minLength(1, 'is empty'),
    z.regex(/^[A-Za-z0-9+/]+={0,2}$/, 'is not base64'),
    z.refine((s: string) => s.length % 4 === 0, 'is truncated base64'),
  );

  const timestamp = z
    .string('is missing')
    .check(z.refine((s: string) => !Number.isNaN(Date.parse(s)), 'is not a timestamp'));

  const timeRange = z
    .object({ start: timestamp, end: z.nullish(timestamp) }, 'is missing')
    .check(
      z.refine(
        (r) => r.end == null || Date.parse(r.end) >= Date.parse(r.start),
        'ends before it starts',
      ),
    );

  const publicKey = z.object(
    {
      rawBytes: base64,
      keyDetails: z.string('is missing').check(z.minLength(1, 'is empty')),
      validFor: timeRange,
    },
    'is missing',
  );

  const transparencyLog = z.object({
    baseUrl: z.string('is missing'),
    hashAlgorithm: z.string('is missing').check(z.minLength(1, 'is empty')),
    publicKey,
    logId: z.object({ keyId: base64 }, 'is missing'),
    checkpointKeyId: z.nullish(z.object({ keyId: base64 })),
  });

  const certificateAuthority = z.object({
    uri: z.nullish(z.string()),
    certChain: z.object(
      {
        certificates: z
          .array(z.object({ rawBytes: base64 }), 'is missing')
          .check(z.minLength(1, 'has no certificates')),
      },
      'is missing',
    ),
    validFor: timeRange,
  });

  const list = <T extends z.core.SomeType>(item: T) =>
    z._default(z.array(item, 'is not a list'), []);

  return z.object(
    {
      mediaType: z.enum(TRUSTED_ROOT_MEDIA_TYPES, 'is not a known trusted root media type'),
      tlogs: list(transparencyLog),
      certificateAuthorities: list(certificateAuthority),
      ctlogs: list(transparencyLog),
      timestampAuthorities: list(certificateAuthority),
    },
    'is not a JSON object',
  );
}

let trustedRootSchema: ReturnType<typeof buildTrustedRootSchema> | undefined;

/** A validated trusted root, with where it came from (for messages and notes). */
export interface LoadedTrustedRoot {
  root: TrustedRoot;
  /** The JSON object as read, for display. */
  json: unknown;
  /** Human label: "embedded public-good (snapshot 2026-11-05)", a file path, ... */
  source: string;
  /**
   * The Sigstore instance this root stands for, when sealbox chose it (the
   * embedded or a cached root): each bundle is then verified only against
   * the root of the instance that issued it. Roots the user gave
   * (--trusted-root) have none, and are all tried.
   */
  instance?: InstanceName;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.map(String).join('.') : 'root';
  return `${path} ${issue.message}`;
}

/** Validates one trusted root object. Throws TRUSTED_ROOT_INVALID naming the field. */
export function parseTrustedRoot(json: unknown, source: string): LoadedTrustedRoot {
  const result = (trustedRootSchema ??= buildTrustedRootSchema()).safeParse(json);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new SealboxError(
      'TRUSTED_ROOT_INVALID',
      `trusted root ${source}: ${first ? describeIssue(first) : 'invalid'}`,
    );
  }
  const roots = result.data;
  if (roots.tlogs.length === 0 && roots.timestampAuthorities.length === 0) {
    throw new SealboxError(
      'TRUSTED_ROOT_INVALID',
      `trusted root ${source}: has neither transparency logs nor timestamp authorities`,
    );
  }
  try {
    return { root: TrustedRoot.fromJSON(json), json, source };
  } catch (e) {
    // What the schema leaves to protobuf (enum names, for one) fails here.
    throw new SealboxError('TRUSTED_ROOT_INVALID', `trusted root ${source}: ${describe(e)}`);
  }
}

/**
 * Parses trusted root text: one JSON document, or JSON Lines with one root per
 * line (as `gh attestation trusted-root` prints).
 */
export function parseTrustedRootText(text: string, source: string): LoadedTrustedRoot[] {
  const trimmed = text.trim();
  if (!trimmed) throw new SealboxError('TRUSTED_ROOT_INVALID', `trusted root ${source}: is empty`);
  let docs: unknown[];
  try {
    docs = [JSON.parse(trimmed)];
  } catch {
    docs = trimmed
      .split(/\r?\n/)
      .filter((line) => line.trim())
      .map((line, i) => {
        try {
          return JSON.parse(line);
        } catch {
          throw new SealboxError(
            'TRUSTED_ROOT_INVALID',
            `trusted root ${source}: line ${i + 1} is not JSON`,
          );
        }
      });
  }
  return docs.map((doc, i) =>
    parseTrustedRoot(doc, docs.length > 1 ? `${source}#${i + 1}` : source),
  );
}
