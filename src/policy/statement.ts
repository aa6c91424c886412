// in-toto statements inside DSSE envelopes: parsing and subject matching.
// Portable (no Node APIs).
import * as z from 'zod/mini';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/**
 * Statement types whose semantics we know. An unknown `_type` is refused rather
 * than read as v1: its subjects might not mean what v1's mean.
 */
export const KNOWN_STATEMENT_TYPES = [
  'https://in-toto.io/Statement/v1',
  'https://in-toto.io/Statement/v0.1',
] as const;

// Built on first use: verifying a message signature never needs it.
function buildStatementSchema() {
  return z.object(
    {
      _type: z.enum(KNOWN_STATEMENT_TYPES, 'is missing or not a known in-toto statement type'),
      subject: z
        .array(
          z.object({
            name: z.optional(z.string('is not a string')),
            digest: z.record(z.string(), z.string('is not a string'), 'is missing'),
          }),
          'is missing',
        )
        .check(z.minLength(1, 'is empty')),
      predicateType: z.string('is missing').check(z.minLength(1, 'is empty')),
      predicate: z.optional(z.unknown()),
    },
    'is not a JSON object',
  );
}

let statementSchema: ReturnType<typeof buildStatementSchema> | undefined;

export type Statement = z.infer<ReturnType<typeof buildStatementSchema>>;

export type DigestAlgorithm = 'sha256' | 'sha512';

/** Digests of an artifact, lowercase hex, by algorithm. */
export type ArtifactDigests = Partial<Record<DigestAlgorithm, string>>;

export type StatementResult = { ok: true; statement: Statement } | { ok: false; reason: string };

/** Parses a DSSE payload as an in-toto statement. Never throws. */
export function parseStatement(payloadType: string, payload: Uint8Array): StatementResult {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return { ok: false, reason: `DSSE payload type ${JSON.stringify(payloadType)} is not in-toto` };
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return { ok: false, reason: 'DSSE payload is not JSON' };
  }
  const result = (statementSchema ??= buildStatementSchema()).safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.map(String).join('.') : 'statement';
    return { ok: false, reason: `in-toto ${where} ${issue?.message ?? 'is invalid'}` };
  }
  return { ok: true, statement: result.data };
}

/**
 * Finds a subject of the statement whose digest, in an algorithm the subject
 * itself uses, equals the artifact's digest in that algorithm.
 */
export function matchSubject(
  statement: Statement,
  artifact: ArtifactDigests,
): { ok: boolean; reason: string; subject?: string } {
  const algorithms = Object.keys(artifact) as DigestAlgorithm[];
  let comparable = false;
  for (const subject of statement.subject) {
    for (const alg of algorithms) {
      const want = subject.digest[alg];
      if (want === undefined) continue;
      comparable = true;
      if (want.toLowerCase() === artifact[alg]) {
        return {
          ok: true,
          reason: `artifact matches subject ${subject.name ?? '(unnamed)'} (${alg})`,
          subject: subject.name,
        };
      }
    }
  }
  if (!comparable) {
    return { ok: false, reason: `no subject has a ${algorithms.join(' or ')} digest` };
  }
  return { ok: false, reason: 'artifact digest matches no subject of the statement' };
}
