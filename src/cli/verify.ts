// `sealbox verify ARTIFACT_OR_DIGEST --bundle FILE [policy]`.
import { SealboxError } from '../errors.ts';
import { readTextFile, resolveArtifact } from '../node/files.ts';
import { NodeSignatureVerifier } from '../node/sigstore-verifier.ts';
import { selectTrustedRoots } from '../node/trusted-roots.ts';
import { policyFromFlags } from '../policy/identity.ts';
import { parseBundleText } from '../sigstore/bundle.ts';
import { verifyBundles, type Policy, type VerificationResult } from '../sigstore/verify-bundle.ts';
import { identityFlagsGiven, type PolicyOptions } from './options.ts';
import { printVerification, type Format } from './output.ts';

export interface VerifyCommandOptions extends PolicyOptions {
  bundle: string;
  format: Format;
}

/** Builds the trust decision from flags; refuses (exit 2) when there is none. */
export async function policyFromOptions(
  o: PolicyOptions,
): Promise<{ policy: Policy; publicKey?: string }> {
  if (o.key !== undefined) {
    const identity = identityFlagsGiven(o);
    if (identity.length) {
      throw new SealboxError(
        'USAGE',
        `--key cannot be combined with ${identity.join(', ')}: a key-signed bundle has no certificate identity`,
      );
    }
    return { policy: { kind: 'key' }, publicKey: await readTextFile(o.key, 'key') };
  }
  if (o.insecureIgnoreTlog) {
    throw new SealboxError('USAGE', '--insecure-ignore-tlog applies only with --key');
  }
  return { policy: { kind: 'identity', identity: policyFromFlags(o) } };
}

export async function verifyArtifact(
  artifactArg: string,
  o: PolicyOptions & { bundle: string },
): Promise<{ result: VerificationResult; artifact: string; notes: string[] }> {
  const { policy, publicKey } = await policyFromOptions(o);
  const { roots, notes } = await selectTrustedRoots(o.trustedRoot);
  const bundles = parseBundleText(await readTextFile(o.bundle, 'bundle'), o.bundle);
  const artifact = await resolveArtifact(artifactArg);
  const result = await verifyBundles(bundles, artifact, policy, {
    trustedRoots: roots,
    verifier: new NodeSignatureVerifier(),
    publicKey,
    requireTlog: !o.insecureIgnoreTlog,
    predicateType: o.predicateType,
  });
  return { result, artifact: artifact.label, notes };
}

export async function verifyCommand(artifactArg: string, o: VerifyCommandOptions): Promise<number> {
  const { result, artifact, notes } = await verifyArtifact(artifactArg, o);
  printVerification(result, artifact, o.format, notes);
  return result.ok ? 0 : 1;
}
