// One call to verify a Sigstore bundle for an artifact under a policy: the
// library's entry, on Node and in the browser (see src/browser). Wires the
// portable core to @sigstore/verify and the embedded public-good root.
import { toHex } from '../bytes.ts';
import { SealboxError } from '../errors.ts';
import { SigstoreSignatureVerifier } from './sigstore-verifier.ts';
import { policyFromFlags, type IdentityPolicy, type PolicyFlags } from '../policy/identity.ts';
import { parseBundle, parseBundleText } from '../sigstore/bundle.ts';
import { embeddedTrustedRoot } from '../sigstore/embedded-root.ts';
import {
  parseTrustedRoot,
  parseTrustedRootText,
  type LoadedTrustedRoot,
} from '../sigstore/trusted-root.ts';
import {
  verifyBundles,
  type Artifact,
  type Policy,
  type SignatureVerifier,
  type VerificationResult,
} from '../sigstore/verify-bundle.ts';

/** An artifact from its bytes, or from `sha256:HEX` / `sha512:HEX`. Uses WebCrypto only. */
export async function toArtifact(artifactOrDigest: Uint8Array | string): Promise<Artifact> {
  if (typeof artifactOrDigest === 'string') {
    const m = /^(sha256|sha512):([0-9a-fA-F]+)$/.exec(artifactOrDigest);
    const want = m?.[1] === 'sha256' ? 64 : 128;
    if (!m || m[2]!.length !== want) {
      throw new SealboxError(
        'INPUT_INVALID',
        `artifact digest ${artifactOrDigest}: is not sha256:HEX or sha512:HEX`,
      );
    }
    const label = `${m[1]}:${m[2]!.toLowerCase()}`;
    return { label, digests: { [m[1] as 'sha256' | 'sha512']: m[2]!.toLowerCase() } };
  }
  const bytes = artifactOrDigest;
  const [sha256, sha512] = await Promise.all([
    crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>),
    crypto.subtle.digest('SHA-512', bytes as Uint8Array<ArrayBuffer>),
  ]);
  return {
    label: `sha256:${toHex(sha256)}`,
    digests: { sha256: toHex(sha256), sha512: toHex(sha512) },
    size: bytes.byteLength,
    read: async () => bytes,
  };
}

export interface VerifyBundleOptions {
  /** A trusted root (object, or JSON / JSON Lines text). Default: the embedded public-good root. */
  trustedRoot?: unknown;
  /** Roots already loaded (their trust material is then built once and reused); wins over trustedRoot. */
  trustedRoots?: LoadedTrustedRoot[];
  predicateType?: string;
  /** The Sigstore verifier; default @sigstore/verify. */
  verifier?: SignatureVerifier;
  /** What messages call the bundle (a file name, say); default "bundle". */
  bundleLabel?: string;
}

export type VerifyPolicy =
  PolicyFlags | { identity: IdentityPolicy } | { key: string; ignoreTlog?: boolean };

/**
 * Verifies a Sigstore bundle (object, or JSON / JSON Lines text) for an
 * artifact under a policy: `gh attestation verify`-style flags, a built
 * identity policy, or a PEM public key. Resolves with every check; rejects
 * with a SealboxError only for bad input or a missing trust decision.
 */
export async function verifyBundle(
  bundle: unknown,
  artifactOrDigest: Uint8Array | string,
  policy: VerifyPolicy,
  options: VerifyBundleOptions = {},
): Promise<VerificationResult> {
  const label = options.bundleLabel ?? 'bundle';
  const bundles =
    typeof bundle === 'string' ? parseBundleText(bundle, label) : [parseBundle(bundle, label)];
  let p: Policy;
  let publicKey: string | undefined;
  let requireTlog = true;
  if ('key' in policy) {
    p = { kind: 'key' };
    publicKey = policy.key;
    requireTlog = !policy.ignoreTlog;
  } else if ('identity' in policy) {
    p = { kind: 'identity', identity: policy.identity };
  } else {
    p = { kind: 'identity', identity: policyFromFlags(policy) };
  }
  const root = options.trustedRoot;
  const trustedRoots =
    options.trustedRoots ??
    (root === undefined
      ? [embeddedTrustedRoot()]
      : typeof root === 'string'
        ? parseTrustedRootText(root, 'trusted root')
        : [parseTrustedRoot(root, 'trusted root')]);
  return verifyBundles(bundles, await toArtifact(artifactOrDigest), p, {
    trustedRoots,
    verifier: options.verifier ?? new SigstoreSignatureVerifier(),
    publicKey,
    requireTlog,
    predicateType: options.predicateType,
  });
}
