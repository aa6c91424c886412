// `linkage`: the manifest and the result were attested by one run, and the
// manifest's `run` names that run, commit and repository.
import { failed, notEvaluated, passed, type Check } from '../../check.ts';
import type { CertificateClaims } from '../../policy/claims.ts';
import { claimsOf, type BoxEvidence } from './evidence.ts';

const LINKED: [keyof CertificateClaims, string][] = [
  ['runInvocationURI', 'run (id and attempt)'],
  ['sourceRepositoryDigest', 'source commit'],
  ['buildSignerURI', 'build signer'],
  ['sourceRepositoryURI', 'source repository'],
];

const RUN_URI = /\/actions\/runs\/(\d+)\/attempts\/(\d+)$/;

export function linkageCheck(e: BoxEvidence): Check {
  const m = claimsOf(e.manifestBundle);
  const r = claimsOf(e.resultBundle);
  if (!m || !r) return notEvaluated('linkage', 'both attestations need a certificate to link');
  const differ = LINKED.filter(([k]) => !m[k] || m[k] !== r[k]);
  if (differ.length)
    return failed(
      'linkage',
      'NOT_LINKED',
      `manifest and result differ in ${differ.map(([, l]) => l).join(', ')}: ${differ.map(([k]) => `${String(m[k])} vs ${String(r[k])}`).join('; ')}`,
    );
  if (!e.manifest.ok)
    return notEvaluated('linkage', `the manifest's run cannot be compared: ${e.manifest.reason}`);
  const { run } = e.manifest.value;
  const named = RUN_URI.exec(m.runInvocationURI ?? '');
  const problems: string[] = [];
  if (!named || named[1] !== run.run_id || named[2] !== run.run_attempt)
    problems.push(
      `the manifest names run ${run.run_id} attempt ${run.run_attempt}, the certificates ${m.runInvocationURI}`,
    );
  if (m.sourceRepositoryDigest !== run.sha)
    problems.push(
      `the manifest names commit ${run.sha}, the certificates ${m.sourceRepositoryDigest}`,
    );
  if (m.sourceRepositoryURI?.toLowerCase() !== `https://github.com/${run.repository}`.toLowerCase())
    problems.push(
      `the manifest names repository ${run.repository}, the certificates ${m.sourceRepositoryURI}`,
    );
  return problems.length
    ? failed('linkage', 'NOT_LINKED', problems.join('; '))
    : passed('linkage', `one run: ${m.runInvocationURI}, named by the manifest`);
}
