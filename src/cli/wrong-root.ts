// A hint for a common slip: bundles made on the local stack (`sealbox demo`,
// `sealbox dev up`) checked against the public-good root, or against another
// stack's root. The stack's Fulcio is Sigstore's mock CA; its leaf
// certificates name that issuer. A hint only: the verdict is unchanged.
import { X509Certificate } from 'node:crypto';

/** The issuer of the local stack's certificates (@sigstore/mock's CA). */
const LOCAL_STACK_ISSUER = /(^|\n|, )O=sigstore\.mock(\n|,|$)/;

function leafIssuer(bundle: unknown): string | undefined {
  const vm = (bundle as { verificationMaterial?: Record<string, unknown> } | undefined)
    ?.verificationMaterial;
  const raw =
    (vm?.certificate as { rawBytes?: unknown } | undefined)?.rawBytes ??
    (vm?.x509CertificateChain as { certificates?: { rawBytes?: unknown }[] } | undefined)
      ?.certificates?.[0]?.rawBytes;
  if (typeof raw !== 'string') return undefined;
  try {
    return new X509Certificate(Buffer.from(raw, 'base64')).issuer;
  } catch {
    return undefined;
  }
}

/**
 * When a signature check failed and a bundle's certificate comes from a local
 * stack, says which root to give. `trustedRoot` is the --trusted-root given, if any.
 */
export function localStackRootHint(
  bundles: unknown[],
  signatureFailed: boolean,
  trustedRoot: string | undefined,
): string | undefined {
  if (!signatureFailed) return undefined;
  if (!bundles.some((b) => LOCAL_STACK_ISSUER.test(leafIssuer(b) ?? ''))) return undefined;
  return trustedRoot === undefined
    ? "hint: the certificates were issued by a local sealbox stack (sealbox demo or dev up), which the public-good root does not trust; add --trusted-root STATE/trusted_root.json with that stack's state directory"
    : `hint: the certificates were issued by a local sealbox stack whose root is not ${trustedRoot}; give --trusted-root the trusted_root.json of the stack that signed them`;
}
