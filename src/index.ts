// sealbox's library API (Node entry). The verification core is portable; this
// entry wires it to @sigstore/verify and the embedded public-good root.

export { passed, failed, notEvaluated, type Check, type CheckCode } from './check.ts';
export { SealboxError, type InputErrorCode } from './errors.ts';
export { parseClaims, FULCIO_CLAIMS, type CertificateClaims } from './policy/claims.ts';
export {
  evaluatePolicy,
  policyFromFlags,
  GITHUB_ACTIONS_ISSUER,
  type IdentityPolicy,
  type PolicyFlags,
  type SignerRule,
} from './policy/identity.ts';
export { parseStatement, matchSubject, type Statement } from './policy/statement.ts';
export { parseBundle, parseBundleText, type ParsedBundle } from './sigstore/bundle.ts';
export {
  parseTrustedRoot,
  parseTrustedRootText,
  type LoadedTrustedRoot,
} from './sigstore/trusted-root.ts';
export { embeddedTrustedRoot, EMBEDDED_ROOT_DATE } from './sigstore/embedded-root.ts';
export {
  verifyBundles,
  verifyParsedBundle,
  type Artifact,
  type BundleVerification,
  type Policy,
  type SignatureVerifier,
  type TrustOptions,
  type VerificationResult,
} from './sigstore/verify-bundle.ts';
export { SigstoreSignatureVerifier } from './adapters/sigstore-verifier.ts';
export {
  parseEnvelope,
  contentHash,
  canonicalBody,
  type ParsedEnvelope,
  type EnvelopeFormat,
} from './envelope/envelope.ts';
export {
  verifyEnvelope,
  type EnvelopeTrust,
  type EnvelopeVerification,
} from './envelope/verify.ts';
export { pythonDumps, parseLossless } from './envelope/python-json.ts';
export { jcs } from './envelope/jcs.ts';
export { signEnvelope, type EnvelopeSignOptions } from './node/envelope-sign.ts';

export {
  toArtifact,
  verifyBundle,
  type VerifyBundleOptions,
  type VerifyPolicy,
} from './adapters/verify-bundle.ts';
