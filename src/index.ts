// sealbox's library API on Node (`sealbox`): the portable core (`sealbox/core`)
// plus what needs Node: @sigstore/verify behind the core's injected verifier,
// one-call bundle verification against the embedded public-good root, the
// release list this installation ships (verifyBox's `releases`), and envelope
// signing through @sigstore/sign.

export * from './core.ts';
export { SigstoreSignatureVerifier } from './adapters/sigstore-verifier.ts';
export {
  toArtifact,
  verifyBundle,
  type VerifyBundleOptions,
  type VerifyPolicy,
} from './adapters/verify-bundle.ts';
export { signEnvelope, type EnvelopeSignOptions } from './node/envelope-sign.ts';
export { shippedReleases, selectReleases, type ReleaseSelection } from './node/releases.ts';
