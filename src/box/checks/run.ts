// `run`: when a box is named by its run, the attestations are that run's.
import { failed, passed, type Check } from '../../check.ts';
import { claimsOf, type BoxEvidence } from './evidence.ts';

export function runCheck(e: BoxEvidence, expected: { runId: number; attempt?: number }): Check {
  const uri = claimsOf(e.manifestBundle)?.runInvocationURI ?? '';
  const named = /\/actions\/runs\/(\d+)\/attempts\/(\d+)$/.exec(uri);
  const wanted = `run ${expected.runId}${expected.attempt === undefined ? '' : ` attempt ${expected.attempt}`}`;
  return named &&
    Number(named[1]) === expected.runId &&
    (expected.attempt === undefined || Number(named[2]) === expected.attempt)
    ? passed('run', `attested by ${wanted}, as named`)
    : failed(
        'run',
        'WRONG_RUN',
        `the box was named as ${wanted}, but attested by ${uri || 'no run'}`,
      );
}
