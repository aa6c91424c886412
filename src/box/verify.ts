// `box verify` (docs/spec/sealed-box-v1.1.md, "Verification"): gather what
// Sigstore proves about the two attestations, read the two documents, then
// evaluate every check in the spec's order, each a pure function in
// src/box/checks/, each reported even after another failed. Portable: the
// Sigstore verifier is injected.
import { failed, notEvaluated, type Check } from '../check.ts';
import { describe } from '../errors.ts';
import type { CertificateClaims } from '../policy/claims.ts';
import type { SignerRule } from '../policy/identity.ts';
import { parseBundle } from '../sigstore/bundle.ts';
import { verifyBundles, type TlogEntryFacts } from '../sigstore/verify-bundle.ts';
import { sha256Hex } from '../bytes.ts';
import {
  claimsOf,
  type BoxEvidence,
  type BoxFiles,
  type BoxVerifyOptions,
  type BundleOutcome,
  type Parsed,
} from './checks/evidence.ts';
import { issueCheck } from './checks/issue.ts';
import { linkageCheck } from './checks/linkage.ts';
import { manifestDigestCheck } from './checks/manifest-digest.ts';
import { receiptCheck } from './checks/receipt.ts';
import { replyProofCheck } from './checks/reply-proof.ts';
import { recomputeCheck } from './checks/recompute.ts';
import { releaseCheck } from './checks/release.ts';
import { runCheck } from './checks/run.ts';
import { runnerCheck } from './checks/runner.ts';
import { subjectsCheck } from './checks/subjects.ts';
import { transcriptCheck } from './checks/transcript.ts';
import { windowCheck } from './checks/window.ts';
import { MANIFEST_VERSION_V1, parseAnyManifest, type AnyManifest } from './manifest.ts';
import { parseResult, type BoxResult } from './result.ts';
import { BOX_WORKFLOW } from './releases.ts';
import { manifestWarnings } from './warnings.ts';

export type { BoxFiles, BoxVerifyOptions, IssueOrigin, Receipt } from './checks/evidence.ts';

export { BOX_WORKFLOW };
/**
 * sealbox's reusable box workflow at its canonical home: the signer `box
 * verify` expects by default. Its ref is judged by the `release` check.
 */
export const DEFAULT_BOX_SIGNER: SignerRule = {
  kind: 'prefix',
  prefix: `https://github.com/${BOX_WORKFLOW}@`,
  describe: `sealbox's reusable box workflow (${BOX_WORKFLOW})`,
};

export interface BoxVerification {
  ok: boolean;
  checks: Check[];
  notes: string[];
  manifest?: AnyManifest;
  /** SHA-256 (hex) of manifest.json's bytes. */
  manifestDigest?: string;
  result?: BoxResult;
  claims?: CertificateClaims;
  /** The transparency log entries of the two attestations, for a reader to look up. */
  logEntries: { file: string; entry: TlogEntryFacts }[];
}

async function bundleOutcome(
  name: string,
  file: string,
  digest: string,
  bundle: unknown,
  o: BoxVerifyOptions,
): Promise<BundleOutcome> {
  try {
    const parsed = parseBundle(bundle, `${file}.sigstore.json`);
    const r = await verifyBundles(
      [parsed],
      { label: file, digests: { sha256: digest } },
      { kind: 'identity', identity: o.policy },
      { trustedRoots: o.trustedRoots, verifier: o.verifier },
    );
    const v = r.bundles[0]!;
    const bad = v.checks.filter((c) => !c.ok);
    return {
      verification: v,
      check: bad.length
        ? failed(name, bad[0]!.code, `${file}: ${bad.map((c) => c.reason).join('; ')}`)
        : {
            name,
            ok: true,
            code: 'OK',
            reason: `${file} attested by ${v.claims?.subjectAlternativeName ?? 'a key'}`,
          },
    };
  } catch (e) {
    return { check: failed(name, 'BUNDLE_INVALID', describe(e)) };
  }
}

function parsed<T>(read: () => T): Parsed<T> {
  try {
    return { ok: true, value: read() };
  } catch (e) {
    return { ok: false, reason: describe(e) };
  }
}

/** Everything the checks look at, gathered once. */
async function gather(files: BoxFiles, o: BoxVerifyOptions): Promise<BoxEvidence> {
  const manifestDigest = await sha256Hex(files.manifest);
  const resultDigest = await sha256Hex(files.result);
  return {
    manifestDigest,
    resultDigest,
    manifestBundle: await bundleOutcome(
      'manifest_bundle',
      'manifest.json',
      manifestDigest,
      files.manifestBundle,
      o,
    ),
    resultBundle: await bundleOutcome(
      'result_bundle',
      'result.json',
      resultDigest,
      files.resultBundle,
      o,
    ),
    manifest: parsed(() => parseAnyManifest(files.manifest, 'manifest.json')),
    result: parsed(() => parseResult(files.result, 'result.json')),
  };
}

/** A check that throws is a bug, never a verdict: it is reported as not evaluated. */
async function total(name: string, check: () => Check | Promise<Check>): Promise<Check> {
  try {
    return await check();
  } catch (e) {
    return notEvaluated(name, `the check could not run: ${describe(e)}`);
  }
}

const V1_WEAKNESSES =
  'v1 evidence (allowed): v1 does not bind the box to its issue, counts a result comment from any author, takes times from the issue body and does not pad plaintexts';

export async function verifyBox(files: BoxFiles, o: BoxVerifyOptions): Promise<BoxVerification> {
  const e = await gather(files, o);
  const checks: Check[] = [
    e.manifestBundle.check,
    e.resultBundle.check,
    await total('linkage', () => linkageCheck(e)),
    await total('runner', () => runnerCheck(e, Boolean(o.allowSelfHostedRunners))),
    await total('release', () =>
      releaseCheck(
        [e.manifestBundle.verification, e.resultBundle.verification],
        o.releases,
        Boolean(o.allowUnreleasedBoxWorkflow),
      ),
    ),
    await total('subjects', () => subjectsCheck(e)),
    await total('manifest_digest', () => manifestDigestCheck(e)),
    await total('issue', () => issueCheck(e, o)),
    await total('window', () => windowCheck(e)),
    await total('transcript', () => transcriptCheck(e, o.origin)),
    ...(o.receipt ? [await total('receipt', () => receiptCheck(e, o.receipt!))] : []),
    ...(o.replyProof ? [await total('reply_proof', () => replyProofCheck(e, o.replyProof!))] : []),
    await total('recompute', () => recomputeCheck(e)),
    ...(o.expectedRun ? [await total('run', () => runCheck(e, o.expectedRun!))] : []),
  ];
  const notes: string[] = [];
  const claims = claimsOf(e.manifestBundle);
  if (
    e.manifest.ok &&
    e.manifest.value.version === MANIFEST_VERSION_V1 &&
    o.allowUnreleasedBoxWorkflow
  )
    notes.push(V1_WEAKNESSES);
  if (claims && o.policy.signer === DEFAULT_BOX_SIGNER && !o.policy.sourceDigest) {
    notes.push(
      `relied on workflow ${claims.buildSignerURI} (commit ${claims.buildSignerDigest}) for the source commit ${claims.sourceRepositoryDigest}; pin them with --signer-workflow ${claims.buildSignerURI?.replace('https://', '')} --signer-digest ${claims.buildSignerDigest} --source-digest ${claims.sourceRepositoryDigest}`,
    );
  }
  if (e.manifest.ok) notes.push(...manifestWarnings(e.manifest.value));
  const logEntries = [
    ...(e.manifestBundle.verification?.tlogEntries ?? []).map((entry) => ({
      file: 'manifest.json',
      entry,
    })),
    ...(e.resultBundle.verification?.tlogEntries ?? []).map((entry) => ({
      file: 'result.json',
      entry,
    })),
  ];
  return {
    ok: checks.every((c) => c.ok),
    checks,
    notes,
    manifest: e.manifest.ok ? e.manifest.value : undefined,
    manifestDigest: e.manifestDigest,
    result: e.result.ok ? e.result.value : undefined,
    claims,
    logEntries,
  };
}

/**
 * A participant's (or the operator's) first check, before the box closes:
 * the manifest's attestation under the policy, and the release rule on its
 * certificate. Returns its digest, the verification and the `release` check.
 */
export async function checkManifest(
  manifest: Uint8Array,
  manifestBundle: unknown,
  o: Pick<
    BoxVerifyOptions,
    'policy' | 'trustedRoots' | 'verifier' | 'releases' | 'allowUnreleasedBoxWorkflow'
  >,
) {
  const digest = await sha256Hex(manifest);
  const verification = await verifyBundles(
    [parseBundle(manifestBundle, 'manifest bundle')],
    { label: 'manifest.json', digests: { sha256: digest } },
    { kind: 'identity', identity: o.policy },
    { trustedRoots: o.trustedRoots, verifier: o.verifier },
  );
  const release = releaseCheck(
    [verification.bundles[0]],
    o.releases,
    Boolean(o.allowUnreleasedBoxWorkflow),
  );
  return { digest, verification, release };
}
