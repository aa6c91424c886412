// What a box's verification looks at: the four files, what Sigstore proved
// about the two bundles, the two documents as parsed (or why not), and, when
// read from GitHub, what the issue itself says. Every check reads this and
// nothing else. Portable.
import type { Check } from '../../check.ts';
import type { CertificateClaims } from '../../policy/claims.ts';
import type { IdentityPolicy } from '../../policy/identity.ts';
import type { LoadedTrustedRoot } from '../../sigstore/trusted-root.ts';
import type { BundleVerification, SignatureVerifier } from '../../sigstore/verify-bundle.ts';
import type { BusComment } from '../close-rules.ts';
import type { AnyManifest } from '../manifest.ts';
import type { ReplyDocument } from '../reply-document.ts';
import type { ReleaseSource } from '../releases.ts';
import type { BoxResult } from '../result.ts';

export interface BoxFiles {
  manifest: Uint8Array;
  manifestBundle: unknown;
  result: Uint8Array;
  resultBundle: unknown;
}

/** What a participant keeps to prove later that their submission was counted. */
export interface Receipt {
  box_id: string;
  comment_id: number;
  ciphertext_sha256: string;
}

/** The issue the evidence was read from, as GitHub shows it now. */
export interface IssueOrigin {
  repository: string;
  number: number;
  nodeId: string;
  /** Who opened the issue. */
  authorId: number;
  /** Who posted the result comments read. */
  resultAuthorId: number;
  /** The issue's comments now, completely. */
  comments: BusComment[];
}

export interface BoxVerifyOptions {
  policy: IdentityPolicy;
  trustedRoots: LoadedTrustedRoot[];
  verifier: SignatureVerifier;
  allowSelfHostedRunners?: boolean;
  /**
   * The release lists sealbox's box workflow is checked against (section 9):
   * the one sealbox ships, and a local stack's for its own CA.
   */
  releases: readonly ReleaseSource[];
  /** Unreleased box workflows and v1 evidence (development only). */
  allowUnreleasedBoxWorkflow?: boolean;
  receipt?: Receipt;
  /** A reply a participant revealed: the result's commitment must be to it. */
  replyProof?: ReplyDocument;
  /** The box was named by its run: the attestations must be that run's (and attempt's). */
  expectedRun?: { runId: number; attempt?: number };
  /** The evidence was read from this issue. */
  origin?: IssueOrigin;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface BundleOutcome {
  check: Check;
  verification?: BundleVerification;
}

export interface BoxEvidence {
  manifestDigest: string;
  resultDigest: string;
  manifestBundle: BundleOutcome;
  resultBundle: BundleOutcome;
  manifest: Parsed<AnyManifest>;
  result: Parsed<BoxResult>;
}

export const claimsOf = (b: BundleOutcome): CertificateClaims | undefined => b.verification?.claims;

/** The bundle's signature verified, so the times it carries are proven. */
export const signatureVerified = (b: BundleOutcome): boolean =>
  Boolean(b.verification?.checks.some((c) => c.name === 'signature' && c.ok));
