// Bundle verification under a trust decision: the algorithm sealbox adds on
// top of Sigstore's. Portable: the cryptographic verifier is injected (on
// Node, @sigstore/verify through src/adapters/sigstore-verifier.ts), so a browser
// can run the same code with its own.
//
// Order, as the algorithm reads: Sigstore verification (timestamps, signing
// key or certificate chain, SCTs, log entries, signature), then what the
// signature covers (the artifact, the statement), then who signed (policy).
// Every check is evaluated and reported, even after another failed.
import type { Bundle } from '@sigstore/bundle';
import { describe, isSealboxError } from '../errors.ts';
import { parseClaims, type CertificateClaims } from '../policy/claims.ts';
import { failed, passed, sigstoreCode, type Check } from '../check.ts';
import { evaluatePolicy, type IdentityPolicy } from '../policy/identity.ts';
import {
  matchSubject,
  parseStatement,
  type ArtifactDigests,
  type Statement,
} from '../policy/statement.ts';
import { digestAlgorithmName, type ParsedBundle } from './bundle.ts';
import { INSTANCE_REQUIREMENTS, INSTANCES, bundleInstance } from './instances.ts';
import { checkLogEntries } from './log-entry.ts';
import type { LoadedTrustedRoot } from './trusted-root.ts';
import { toBase64, toHex } from '../bytes.ts';

/** The artifact a bundle must cover: its digests, and its bytes when they are at hand. */
export interface Artifact {
  /** For messages: a path, or the digest as given. */
  label: string;
  digests: ArtifactDigests;
  /** Size in bytes, when known. */
  size?: number;
  /** Reads the artifact whole; absent when only a digest was given. */
  read?: () => Promise<Uint8Array>;
}

/** How the signing key is trusted: through a certificate chain to the root, or a named key. */
export interface TrustOptions {
  trustedRoot: LoadedTrustedRoot;
  /** A PEM public key: verify a key-signed bundle against it instead of a certificate. */
  publicKey?: string;
  /** False with --insecure-ignore-tlog, and for an instance that keeps no log (GitHub's). */
  requireTlog: boolean;
  /** Whether a Fulcio certificate must carry an SCT; default true. */
  requireSct?: boolean;
  /** Whether an RFC 3161 timestamp is required (GitHub's instance); default false. */
  requireSignedTimestamp?: boolean;
}

/** A failure of Sigstore's cryptographic verification, with its stable code. */
export interface SignatureFailure {
  code: string;
  message: string;
}

/** What a verification proved about time (ISO instants, UTC). */
export interface VerifiedTimes {
  signedTimes: string[];
}

/**
 * The injected Sigstore verifier: resolves with the times it proved when the
 * bundle verifies, rejects with a SignatureFailure.
 */
export interface SignatureVerifier {
  verify(
    bundle: Bundle,
    artifact: Artifact | undefined,
    trust: TrustOptions,
  ): Promise<VerifiedTimes | void>;
}

export type Policy = { kind: 'identity'; identity: IdentityPolicy } | { kind: 'key' };

export interface VerifyOptions {
  trustedRoots: LoadedTrustedRoot[];
  verifier: SignatureVerifier;
  publicKey?: string;
  requireTlog?: boolean;
  predicateType?: string;
  /** What the user verifies, as messages name it (default "bundle"; envelopes say "envelope"). */
  noun?: string;
}

export interface TlogEntryFacts {
  logIndex: string;
  logId: string;
  kind: string;
  integratedTime?: string;
}

export interface BundleVerification {
  ok: boolean;
  bundle: string;
  mediaType: string;
  content: 'message_signature' | 'dsse';
  trustedRoot?: string;
  checks: Check[];
  claims?: CertificateClaims;
  tlogEntries: TlogEntryFacts[];
  timestamps: number;
  /**
   * The times the bundle's verification proves (ISO, UTC): each log entry's
   * integrated time under an inclusion promise (a signed entry timestamp), and
   * each RFC 3161 timestamp's genTime. Meaningful only when the bundle verified.
   */
  signedTimes: string[];
  statement?: { type: string; predicateType: string; subjects: Statement['subject'] };
}

function tlogFacts(bundle: Bundle): TlogEntryFacts[] {
  return bundle.verificationMaterial.tlogEntries.map((e) => ({
    logIndex: e.logIndex,
    logId: e.logId ? toBase64(e.logId.keyId) : '',
    kind: e.kindVersion ? `${e.kindVersion.kind}/${e.kindVersion.version}` : '',
    integratedTime:
      e.integratedTime && e.integratedTime !== '0'
        ? new Date(Number(e.integratedTime) * 1000).toISOString()
        : undefined,
  }));
}

function leafCertificate(bundle: Bundle): Uint8Array | undefined {
  const c = bundle.verificationMaterial.content;
  if (c.$case === 'certificate') return c.certificate.rawBytes;
  if (c.$case === 'x509CertificateChain') return c.x509CertificateChain.certificates[0]?.rawBytes;
  return undefined;
}

/**
 * The roots a bundle is verified against: with roots sealbox chose (tagged
 * with their instance), only the root of the instance that issued the bundle,
 * as gh does; with roots the user gave, all of them.
 */
function candidateRoots(bundle: Bundle, roots: readonly LoadedTrustedRoot[]) {
  const instance = bundleInstance(bundle, roots);
  const chosen = roots.some((r) => r.instance !== undefined);
  return {
    instance,
    roots: chosen ? roots.filter((r) => r.instance === instance) : [...roots],
  };
}

async function signatureCheck(
  parsed: ParsedBundle,
  artifact: Artifact | undefined,
  options: VerifyOptions,
): Promise<{ check: Check; root?: string; signedTimes?: string[] }> {
  const { bundle } = parsed;
  const { instance, roots } = candidateRoots(bundle, options.trustedRoots);
  if (!roots.length) {
    return {
      check: failed(
        'signature',
        'TRUSTED_ROOT_MISSING',
        `the bundle was issued by ${INSTANCES[instance].title} and no ${INSTANCES[instance].rootLabel} is at hand: run 'sealbox trusted-root update --instance ${instance}' once (it goes online), or pass --trusted-root`,
      ),
    };
  }
  const required = INSTANCE_REQUIREMENTS[instance];
  if (
    required.signedTimestamp &&
    !bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length
  ) {
    return {
      check: failed(
        'signature',
        'TIMESTAMP_ERROR',
        `the bundle was issued by ${INSTANCES[instance].title}, which keeps no transparency log, and carries no RFC 3161 timestamp to time its signature`,
      ),
    };
  }
  let failure: SignatureFailure | undefined;
  for (const trustedRoot of roots) {
    try {
      const proved = await options.verifier.verify(bundle, artifact, {
        trustedRoot,
        publicKey: options.publicKey,
        requireTlog: (options.requireTlog ?? true) && required.tlog,
        requireSct: required.sct,
        requireSignedTimestamp: required.signedTimestamp,
      });
      return {
        check: passed('signature', `verified against ${trustedRoot.source}`),
        root: trustedRoot.source,
        signedTimes: proved?.signedTimes ?? [],
      };
    } catch (e) {
      if (isSealboxError(e)) throw e; // bad input (a key, a root), not a verdict
      const f = e as Partial<SignatureFailure>;
      failure ??= {
        code: sigstoreCode(f.code),
        message: describe(e),
      };
    }
  }
  const sources = roots.map((r) => r.source).join(', ');
  return {
    check: failed(
      'signature',
      sigstoreCode(failure?.code),
      `${failure?.message ?? 'no trusted root'} (trusted root: ${sources})`,
    ),
  };
}

function messageArtifactCheck(bundle: Bundle, artifact: Artifact): Check {
  if (bundle.content.$case !== 'messageSignature') throw new Error('unreachable');
  const md = bundle.content.messageSignature.messageDigest;
  if (!md) return passed('artifact', 'bundle carries no digest; the signature covers the artifact');
  const alg = digestAlgorithmName(md.algorithm);
  if (!alg)
    return failed(
      'artifact',
      'UNSUPPORTED_DIGEST',
      `bundle digest algorithm ${md.algorithm} is not supported`,
    );
  const have = artifact.digests[alg];
  if (have === undefined) {
    return failed(
      'artifact',
      'ARTIFACT_MISMATCH',
      `bundle signs a ${alg} digest but the artifact was given as ${Object.keys(artifact.digests).join(', ')}`,
    );
  }
  return have === toHex(md.digest)
    ? passed('artifact', `artifact ${alg}:${have} is the signed message`)
    : failed(
        'artifact',
        'ARTIFACT_MISMATCH',
        `artifact ${alg}:${have} is not the signed message ${alg}:${toHex(md.digest)}`,
      );
}

/** Verifies one parsed bundle; never throws for a verification failure. */
export async function verifyParsedBundle(
  parsed: ParsedBundle,
  artifact: Artifact | undefined,
  policy: Policy,
  options: VerifyOptions,
): Promise<BundleVerification> {
  const { bundle } = parsed;
  const checks: Check[] = [];
  // A key-signed bundle made with --no-tlog: its signature is still checked,
  // and the log rule fails by name instead of as the library's threshold count.
  const unlogged =
    policy.kind === 'key' &&
    (options.requireTlog ?? true) &&
    bundle.verificationMaterial.tlogEntries.length === 0;
  const sig = await signatureCheck(
    parsed,
    artifact,
    unlogged ? { ...options, requireTlog: false } : options,
  );
  checks.push(sig.check);
  checks.push(
    unlogged
      ? failed(
          'log_entry',
          'TLOG_MISSING',
          `this ${options.noun ?? 'bundle'} has no transparency-log entry (signed with --no-tlog); add --insecure-ignore-tlog to accept that`,
        )
      : checkLogEntries(bundle),
  );

  let statement: Statement | undefined;
  if (bundle.content.$case === 'dsseEnvelope') {
    const env = bundle.content.dsseEnvelope;
    const st = parseStatement(env.payloadType, env.payload);
    if (st.ok) {
      statement = st.statement;
      checks.push(passed('statement', `in-toto statement ${st.statement._type}`));
    } else {
      checks.push(failed('statement', 'STATEMENT_INVALID', st.reason));
    }
    if (artifact) {
      if (!statement)
        checks.push(
          failed('artifact', 'SUBJECT_MISMATCH', 'no statement to match the artifact against'),
        );
      else {
        const m = matchSubject(statement, artifact.digests);
        checks.push(
          m.ok ? passed('artifact', m.reason) : failed('artifact', 'SUBJECT_MISMATCH', m.reason),
        );
      }
    }
    if (options.predicateType !== undefined) {
      const actual = statement?.predicateType;
      checks.push(
        actual === options.predicateType
          ? passed('predicate_type', `predicate type is ${actual}`)
          : failed(
              'predicate_type',
              'PREDICATE_TYPE_MISMATCH',
              `predicate type is ${actual ?? 'unknown'}, expected ${options.predicateType}`,
            ),
      );
    }
  } else {
    if (artifact) checks.push(messageArtifactCheck(bundle, artifact));
    if (options.predicateType !== undefined) {
      checks.push(
        failed(
          'predicate_type',
          'PREDICATE_TYPE_MISMATCH',
          'bundle signs a message, not an in-toto statement',
        ),
      );
    }
  }

  const leaf = leafCertificate(bundle);
  let claims: CertificateClaims | undefined;
  if (leaf) {
    try {
      claims = parseClaims(leaf);
    } catch (e) {
      checks.push(failed('certificate', 'CERTIFICATE_ERROR', describe(e)));
    }
  }
  if (policy.kind === 'identity') {
    if (claims) checks.push(...evaluatePolicy(policy.identity, claims));
    else if (!leaf)
      checks.push(
        failed(
          'signer',
          'SIGNER_MISMATCH',
          'bundle is key-signed: it has no certificate identity to check',
        ),
      );
  } else if (leaf) {
    checks.push(
      failed('key', 'KEY_MISMATCH', 'bundle is signed with a certificate, not with the key given'),
    );
  } else {
    checks.push(passed('key', 'bundle is signed by the key given'));
  }

  return {
    ok: checks.every((c) => c.ok),
    bundle: parsed.label,
    mediaType: bundle.mediaType,
    content: bundle.content.$case === 'dsseEnvelope' ? 'dsse' : 'message_signature',
    trustedRoot: sig.root,
    checks,
    claims,
    tlogEntries: tlogFacts(bundle),
    timestamps:
      bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0,
    signedTimes: sig.signedTimes ?? [],
    statement: statement && {
      type: statement._type,
      predicateType: statement.predicateType,
      subjects: statement.subject,
    },
  };
}

export interface VerificationResult {
  ok: boolean;
  /** The bundle that decided: the first that passed, else the first. */
  checks: Check[];
  bundles: BundleVerification[];
}

/**
 * Verifies each bundle (one, or several from JSON Lines) and passes when one
 * satisfies the policy; every bundle's checks are reported.
 */
export async function verifyBundles(
  bundles: ParsedBundle[],
  artifact: Artifact | undefined,
  policy: Policy,
  options: VerifyOptions,
): Promise<VerificationResult> {
  const results: BundleVerification[] = [];
  for (const parsed of bundles)
    results.push(await verifyParsedBundle(parsed, artifact, policy, options));
  const decisive = results.find((r) => r.ok) ?? results[0];
  return { ok: results.some((r) => r.ok), checks: decisive?.checks ?? [], bundles: results };
}
