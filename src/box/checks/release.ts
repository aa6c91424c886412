// `release`: both attestations were made by sealbox's box workflow at a
// listed, unrevoked release (docs/spec/sealed-box-v1.1.md, section 9), unless
// the verifier allows unreleased box workflows (development only).
import { failed, notEvaluated, passed, type Check } from '../../check.ts';
import { listsFor, releaseVerdict, type ReleaseSource } from '../releases.ts';
import type { BundleVerification } from '../../sigstore/verify-bundle.ts';

export function releaseCheck(
  bundles: (BundleVerification | undefined)[],
  sources: readonly ReleaseSource[],
  allowUnreleased: boolean,
): Check {
  const verdicts = [];
  for (const b of bundles) {
    const claims = b?.claims;
    if (!claims) return notEvaluated('release', 'no certificate names the box workflow');
    verdicts.push(
      releaseVerdict(
        { uri: claims.buildSignerURI, digest: claims.buildSignerDigest },
        listsFor(sources, b?.trustedRoot),
      ),
    );
  }
  const bad = verdicts.find((v) => !v.ok);
  if (!bad) return passed('release', verdicts[0]?.reason ?? 'nothing to check');
  if (allowUnreleased)
    return passed('release', `${bad.reason} (allowed: --allow-unreleased-box-workflow)`);
  return failed('release', bad.code, bad.reason);
}
