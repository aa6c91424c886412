// `subjects`: each attestation names its own file with that file's digest.
import { failed, notEvaluated, passed, type Check } from '../../check.ts';
import type { BoxEvidence, BundleOutcome } from './evidence.ts';

function names(b: BundleOutcome, file: string, digest: string): string | undefined {
  const subjects = b.verification?.statement?.subjects;
  if (!subjects) return `${file}'s attestation has no statement`;
  return subjects.some((s) => s.name === file && s.digest.sha256 === digest)
    ? undefined
    : `${file}'s attestation does not name ${file} with sha256:${digest}`;
}

export function subjectsCheck(e: BoxEvidence): Check {
  if (!e.manifestBundle.verification || !e.resultBundle.verification)
    return notEvaluated('subjects', 'a bundle did not parse');
  const problems = [
    names(e.manifestBundle, 'manifest.json', e.manifestDigest),
    names(e.resultBundle, 'result.json', e.resultDigest),
  ].filter((p) => p !== undefined);
  return problems.length
    ? failed('subjects', 'SUBJECT_MISMATCH', problems.join('; '))
    : passed('subjects', 'the attestations name manifest.json and result.json with their digests');
}
