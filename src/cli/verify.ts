// `sealbox verify ARTIFACT_OR_DIGEST --bundle FILE [policy]`.
import { SealboxError } from '../errors.ts';
import { readTextFile, resolveArtifact } from '../node/files.ts';
import { SigstoreSignatureVerifier } from '../adapters/sigstore-verifier.ts';
import { selectTrustedRoots } from '../node/trusted-roots.ts';
import { policyFromFlags } from '../policy/identity.ts';
import { digestOnlyLimitation, parseBundleText } from '../sigstore/bundle.ts';
import { verifyBundles, type Policy, type VerificationResult } from '../sigstore/verify-bundle.ts';
import { identityFlagsGiven, type PolicyOptions } from './options.ts';
import { printVerification, type Format } from './output.ts';
import { localStackRootHint } from './wrong-root.ts';

export interface VerifyCommandOptions extends PolicyOptions {
  bundle?: string;
  fromGithub?: boolean;
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
  o: PolicyOptions & { bundle?: string; fromGithub?: boolean },
): Promise<{ result: VerificationResult; artifact: string; notes: string[] }> {
  if ((o.bundle === undefined) === !o.fromGithub)
    throw new SealboxError(
      'USAGE',
      o.bundle === undefined
        ? "required option '--bundle <file>' not specified (or --from-github with --repo)"
        : 'give --bundle or --from-github, not both',
    );
  if (o.fromGithub && !o.repo)
    throw new SealboxError('USAGE', '--from-github needs --repo OWNER/REPO: whose attestations');
  const { policy, publicKey } = await policyFromOptions(o);
  const { roots, notes } = await selectTrustedRoots(o.trustedRoot);
  const artifact = await resolveArtifact(artifactArg);
  const bundles = o.bundle
    ? parseBundleText(await readTextFile(o.bundle, 'bundle'), o.bundle)
    : await bundlesFromGithub(o.repo!, artifact.digests.sha256);
  const limitation = digestOnlyLimitation(bundles, artifact);
  if (limitation) throw new SealboxError('UNSUPPORTED', limitation);
  const result = await verifyBundles(bundles, artifact, policy, {
    trustedRoots: roots,
    verifier: new SigstoreSignatureVerifier(),
    publicKey,
    requireTlog: !o.insecureIgnoreTlog,
    predicateType: o.predicateType,
  });
  const hint = localStackRootHint(
    bundles.map((b) => b.json),
    result.bundles.some((b) => b.checks.some((c) => c.name === 'signature' && !c.ok)),
    o.trustedRoot,
  );
  return { result, artifact: artifact.label, notes: hint ? [...notes, hint] : notes };
}

/** The only online step: fetch; the verification that follows is offline as always. */
async function bundlesFromGithub(repository: string, sha256: string | undefined) {
  if (!sha256)
    throw new SealboxError('USAGE', '--from-github looks attestations up by a sha256 digest');
  const { githubClientFromEnv } = await import('../node/github-client.ts');
  const { fetchAttestationBundles } = await import('../github/attestations.ts');
  const { parseBundle } = await import('../sigstore/bundle.ts');
  const { timedFetch } = await import('../node/network.ts');
  const found = await fetchAttestationBundles(
    githubClientFromEnv(),
    repository,
    `sha256:${sha256}`,
    timedFetch("GitHub's attestation storage"),
  );
  if (!found.length)
    throw new SealboxError(
      'INPUT_NOT_FOUND',
      `no attestation of sha256:${sha256} in ${repository}`,
    );
  return found.map((b, i) => parseBundle(b, `${repository} attestation ${i + 1}`));
}

export async function verifyCommand(artifactArg: string, o: VerifyCommandOptions): Promise<number> {
  const { result, artifact, notes } = await verifyArtifact(artifactArg, o);
  printVerification(result, artifact, o.format, notes);
  return result.ok ? 0 : 1;
}
