// One verification check, as every verifier reports it: a name from the
// protocol, ok or not, a code from a closed union, and the reason in words.
// Portable.

/** Codes of Sigstore's own verification (@sigstore/verify), passed through. */
export type SigstoreCode =
  | 'NOT_IMPLEMENTED_ERROR'
  | 'TLOG_ERROR'
  | 'TLOG_INCLUSION_PROOF_ERROR'
  | 'TLOG_INCLUSION_PROMISE_ERROR'
  | 'TLOG_MISSING_INCLUSION_ERROR'
  | 'TLOG_BODY_ERROR'
  | 'CERTIFICATE_ERROR'
  | 'PUBLIC_KEY_ERROR'
  | 'SIGNATURE_ERROR'
  | 'TIMESTAMP_ERROR'
  | 'UNTRUSTED_SIGNER_ERROR';

/** Codes of bundle, identity-policy and envelope checks. */
export type BundleCode =
  | 'ARTIFACT_MISMATCH'
  | 'BUNDLE_INVALID'
  | 'INPUT_INVALID'
  | 'ISSUER_MISMATCH'
  | 'KEY_INVALID'
  | 'KEY_MISMATCH'
  | 'NO_ANCHOR'
  | 'NO_IDENTITY_POLICY'
  | 'NO_KEY'
  | 'POLICY_MISSING'
  | 'PREDICATE_TYPE_MISMATCH'
  | 'SIGNATURE_MISMATCH'
  | 'SIGNER_MISMATCH'
  | 'SIGNER_DIGEST_MISMATCH'
  | 'SOURCE_DIGEST_MISMATCH'
  | 'SOURCE_OWNER_MISMATCH'
  | 'SOURCE_REF_MISMATCH'
  | 'SOURCE_REPOSITORY_MISMATCH'
  | 'STATEMENT_INVALID'
  | 'SUBJECT_MISMATCH'
  | 'TLOG_INCONSISTENT'
  | 'TLOG_MISSING'
  | 'TRUSTED_ROOT_INVALID'
  | 'TRUSTED_ROOT_MISSING'
  | 'UNSUPPORTED_DIGEST'
  | 'UNTRUSTED_KEY';

/** Codes of a box's checks (docs/spec/sealed-box-v1.1.md, "Verification"). */
export type BoxCode =
  | 'NOT_LINKED'
  | 'SELF_HOSTED_RUNNER'
  | 'UNRELEASED'
  | 'UNKNOWN_RELEASE'
  | 'REVOKED_RELEASE'
  | 'MANIFEST_MISMATCH'
  | 'WRONG_ISSUE'
  | 'V1_EVIDENCE'
  | 'WINDOW'
  | 'TRANSCRIPT'
  | 'RECEIPT'
  | 'RECOMPUTE'
  | 'WRONG_RUN'
  | 'REPLY'
  | 'SHARE'
  | 'REPLY_PROOF';

/** Codes of an envelope document the sealbox format refuses (src/envelope/refusal.ts). */
export type EnvelopeCode =
  | 'REPEATED_MEMBER'
  | 'NO_MARKER'
  | 'PROTO_MEMBER'
  | 'UNSAFE_INTEGER'
  | 'NUMBER_RANGE'
  | 'LONE_SURROGATE';

export type CheckCode = 'OK' | 'NOT_EVALUATED' | SigstoreCode | BundleCode | BoxCode | EnvelopeCode;

export interface Check {
  name: string;
  ok: boolean;
  code: CheckCode;
  reason: string;
}

export function passed(name: string, reason: string): Check {
  return { name, ok: true, code: 'OK', reason };
}

export function failed(name: string, code: CheckCode, reason: string): Check {
  return { name, ok: false, code, reason };
}

/** A check that could not run: its inputs were missing or did not parse. */
export function notEvaluated(name: string, reason: string): Check {
  return { name, ok: false, code: 'NOT_EVALUATED', reason };
}

const SIGSTORE_CODES = new Set<string>([
  'NOT_IMPLEMENTED_ERROR',
  'TLOG_ERROR',
  'TLOG_INCLUSION_PROOF_ERROR',
  'TLOG_INCLUSION_PROMISE_ERROR',
  'TLOG_MISSING_INCLUSION_ERROR',
  'TLOG_BODY_ERROR',
  'CERTIFICATE_ERROR',
  'PUBLIC_KEY_ERROR',
  'SIGNATURE_ERROR',
  'TIMESTAMP_ERROR',
  'UNTRUSTED_SIGNER_ERROR',
]);

/** A code thrown by Sigstore's verifier, or SIGNATURE_ERROR for anything else it throws. */
export function sigstoreCode(code: unknown): SigstoreCode {
  return typeof code === 'string' && SIGSTORE_CODES.has(code)
    ? (code as SigstoreCode)
    : 'SIGNATURE_ERROR';
}
