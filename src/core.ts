// sealbox's portable core (`sealbox/core`): the protocol, policy, envelope and
// Sigstore verification code that runs in any JavaScript runtime. Nothing
// reachable from here imports a Node built-in or a Node-bound Sigstore
// package (test/architecture checks it): the Sigstore signature verifier is
// injected (`SignatureVerifier`); on Node, `sealbox` exports the one that
// wraps @sigstore/verify.

export { SealboxError, isSealboxError, type InputErrorCode } from './errors.ts';
export { passed, failed, notEvaluated, type Check, type CheckCode } from './check.ts';

// Identity policy and Fulcio claims.
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

// Bundles, trusted roots and the verification algorithm (verifier injected).
export { parseBundle, parseBundleText, type ParsedBundle } from './sigstore/bundle.ts';
export {
  parseTrustedRoot,
  parseTrustedRootText,
  type LoadedTrustedRoot,
} from './sigstore/trusted-root.ts';
export {
  embeddedTrustedRoot,
  EMBEDDED_ROOT_DATE,
  ROOT_MAX_AGE_DAYS,
} from './sigstore/embedded-root.ts';
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
export { bundleFacts, claimFacts } from './sigstore/facts.ts';

// Signed result envelopes.
export {
  parseEnvelope,
  contentHash,
  canonicalBody,
  type ParsedEnvelope,
  type EnvelopeFormat,
} from './envelope/envelope.ts';
export {
  verifyEnvelope,
  hasTrustDecision,
  type EnvelopeTrust,
  type EnvelopeVerification,
} from './envelope/verify.ts';
export {
  builtinPolicy,
  parseTrustPolicy,
  BUILTIN_POLICIES,
  type TrustPolicy,
} from './envelope/trust-policy.ts';
export { pythonDumps, parseLossless } from './envelope/python-json.ts';
export { jcs } from './envelope/jcs.ts';

// Sealed boxes: addresses, verification, and a participant's side.
export { parseBoxAddress, type BoxAddress } from './box/address.ts';
export {
  verifyBox,
  BOX_WORKFLOW,
  DEFAULT_BOX_SIGNER,
  type BoxFiles,
  type BoxVerification,
  type BoxVerifyOptions,
  type Receipt,
} from './box/verify.ts';
// Released box workflows: the release list and the rule verifyBox's `release` check applies.
export {
  parseReleaseList,
  releaseVerdict,
  scopeLocalReleases,
  RELEASE_LIST_FORMAT,
  type Release,
  type ReleaseList,
  type ReleaseSource,
  type ReleaseVerdict,
} from './box/releases.ts';
export { parseManifest, type Manifest } from './box/manifest.ts';
export { manifestWarnings } from './box/warnings.ts';
export { parseResult, type BoxResult } from './box/result.ts';
export {
  checkOpenBox,
  sealFor,
  receiptFor,
  parseReceipt,
  type BoxLocation,
  type OpenBox,
} from './box/participant.ts';

// Boxes on GitHub, through Octokit.
export { githubClient, type ClientOptions, type GitHubClient } from './github/client.ts';
export {
  locateBox,
  readAnnouncement,
  readIssue,
  verifyBoxOnGitHub,
  type BoxOnGitHubVerification,
  type LocatedBox,
} from './github/box-locator.ts';
export { GitHubIssueBus } from './github/issue-bus.ts';
