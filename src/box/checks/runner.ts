// `runner`: GitHub-hosted runners only, unless the verifier allows others (a
// self-hosted runner's operator controls the machine and the key).
import { failed, notEvaluated, passed, type Check } from '../../check.ts';
import { claimsOf, type BoxEvidence } from './evidence.ts';

export function runnerCheck(e: BoxEvidence, allowSelfHosted: boolean): Check {
  const m = claimsOf(e.manifestBundle);
  const r = claimsOf(e.resultBundle);
  if (!m || !r) return notEvaluated('runner', 'no certificate says where the box ran');
  const runners = [m.runnerEnvironment, r.runnerEnvironment];
  if (allowSelfHosted)
    return passed('runner', `runner ${runners.join(', ')} (self-hosted allowed)`);
  return runners.every((x) => x === 'github-hosted')
    ? passed('runner', 'GitHub-hosted runner')
    : failed(
        'runner',
        'SELF_HOSTED_RUNNER',
        `runner environment ${runners.join(', ')}: a self-hosted runner's operator controls the key (--allow-self-hosted-runners to accept)`,
      );
}
