// `sealbox verify-bundle`: the sigstore-conformance client protocol.
//   verify-bundle [--staging] --bundle FILE --certificate-identity ID --certificate-oidc-issuer URL [--trusted-root FILE] FILE_OR_DIGEST
//   verify-bundle [--staging] --bundle FILE --key PEM [--trusted-root FILE] FILE_OR_DIGEST
import { SealboxError } from '../errors.ts';
import { printVerification, type Format } from './output.ts';
import { verifyArtifact } from './verify.ts';

export interface VerifyBundleOptions {
  staging?: boolean;
  bundle: string;
  certificateIdentity?: string;
  certificateOidcIssuer?: string;
  key?: string;
  trustedRoot?: string;
  format: Format;
}

export async function verifyBundleCommand(
  fileOrDigest: string,
  o: VerifyBundleOptions,
): Promise<number> {
  if (o.staging) {
    throw new SealboxError(
      'UNSUPPORTED',
      '--staging: no Sigstore staging trusted root is embedded; pass --trusted-root instead',
    );
  }
  if (
    o.key === undefined &&
    (o.certificateIdentity === undefined || o.certificateOidcIssuer === undefined)
  ) {
    throw new SealboxError(
      'POLICY_MISSING',
      'give --certificate-identity and --certificate-oidc-issuer, or --key',
    );
  }
  const { result, artifact, notes } = await verifyArtifact(fileOrDigest, {
    bundle: o.bundle,
    certIdentity: o.certificateIdentity,
    certOidcIssuer: o.certificateOidcIssuer,
    key: o.key,
    trustedRoot: o.trustedRoot,
  });
  printVerification(result, artifact, o.format, notes);
  return result.ok ? 0 : 1;
}
