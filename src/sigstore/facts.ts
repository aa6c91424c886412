// What a verified bundle says, as lines a person reads: the bundle, the root
// it verified against, the certificate's claims, the statement and the log
// entries. The CLI prints these lines and the web page shows the same ones.
import type { CertificateClaims } from '../policy/claims.ts';
import type { BundleVerification } from './verify-bundle.ts';

/** Subjects listed at most; the rest are counted. */
export const SUBJECTS_SHOWN = 10;

const present = (facts: [string, string | undefined][]) =>
  facts.filter((f): f is [string, string] => Boolean(f[1]));

/** Who signed and from what: the certificate's identity and its GitHub claims. */
export function claimFacts(c: CertificateClaims | undefined): [string, string][] {
  return present([
    ['signer', c?.subjectAlternativeName],
    ['issuer', c?.issuer],
    [
      'source',
      c?.sourceRepositoryURI &&
        `${c.sourceRepositoryURI} @ ${c.sourceRepositoryRef ?? '?'} (${c.sourceRepositoryDigest ?? '?'})`,
    ],
    ['workflow', c?.buildConfigURI],
    ['run', c?.runInvocationURI],
    ['runner', c?.runnerEnvironment],
  ]);
}

export function bundleFacts(b: BundleVerification): [string, string][] {
  const subjects = b.statement?.subjects ?? [];
  return present([
    [
      'bundle',
      `${b.mediaType} (${b.content === 'dsse' ? 'DSSE in-toto statement' : 'message signature'})`,
    ],
    ['trusted root', b.trustedRoot],
    ...claimFacts(b.claims),
    ['predicate type', b.statement?.predicateType],
    ...subjects.slice(0, SUBJECTS_SHOWN).map((s): [string, string] => [
      'subject',
      `${s.name ?? '(no name)'} ${Object.entries(s.digest)
        .map(([alg, hex]) => `${alg}:${hex}`)
        .join(' ')}`,
    ]),
    [
      'subject',
      subjects.length > SUBJECTS_SHOWN
        ? `... and ${subjects.length - SUBJECTS_SHOWN} more`
        : undefined,
    ],
    ...b.tlogEntries.map((e): [string, string] => [
      'log entry',
      `index ${e.logIndex}${e.integratedTime ? `, integrated ${e.integratedTime}` : ''} (${e.kind})`,
    ]),
  ]);
}
