// `window`: the times of the box, from what the attestations prove (never from
// the issue body), and an early close only when the box was full.
import { failed, notEvaluated, passed, type Check } from '../../check.ts';
import { MANIFEST_VERSION_V1 } from '../manifest.ts';
import {
  formatTime,
  manifestAttestedAt,
  parseTime,
  resultAttestedAt,
  windowFrom,
} from '../times.ts';
import { signatureVerified, type BoxEvidence } from './evidence.ts';

/** What the window rule looks at: signed times, the manifest's window and rules, the result's times. */
export interface WindowFacts {
  version: 'v1' | 'v1.1';
  manifestSignedTimes: string[];
  resultSignedTimes: string[];
  windowSeconds: number;
  onePerAuthor: 'first' | 'last';
  maxSubmissions: number;
  opensAt: string;
  closesAt: string;
  closedAt: string;
  status: 'complete' | 'aborted';
  /** created_at of each accepted submission. */
  accepted: { comment_id: number; created_at: string }[];
}

/** Every way the facts break the window rule (docs/spec/sealed-box-v1.1.md, "Times"); empty when none. */
export function windowProblems(f: WindowFacts): string[] {
  const problems: string[] = [];
  const opens = parseTime(f.opensAt);
  const closes = parseTime(f.closesAt);
  const closed = parseTime(f.closedAt);
  if (opens === undefined || closes === undefined || closed === undefined)
    return ['a time of the result is not a UTC time to the second'];
  if (f.version === 'v1') {
    const mAt = manifestAttestedAt(f.manifestSignedTimes);
    if (mAt === undefined || mAt > opens)
      problems.push(`the manifest was attested after opens_at ${f.opensAt}`);
    if (closes !== opens + f.windowSeconds * 1000)
      problems.push('closes_at is not opens_at plus the window');
  } else {
    const w = windowFrom(f.manifestSignedTimes, f.windowSeconds);
    if (!w) problems.push("the manifest's attestation carries no signed time");
    else {
      if (opens !== w.opensAt)
        problems.push(
          `opens_at is ${f.opensAt}, the manifest's attestation says ${formatTime(w.opensAt)}`,
        );
      if (closes !== w.closesAt)
        problems.push(
          `closes_at is ${f.closesAt}, the manifest's attestation and window say ${formatTime(w.closesAt)}`,
        );
    }
  }
  const rAt = resultAttestedAt(f.resultSignedTimes);
  if (rAt === undefined || rAt < closed)
    problems.push(
      `the result was attested at ${rAt === undefined ? 'an unknown time' : new Date(rAt).toISOString()}, before closed_at ${f.closedAt}`,
    );
  if (closed > closes) problems.push('closed_at is after closes_at');
  if (closed < opens) problems.push('closed_at is before opens_at');
  // An aborted box may end before closes_at; a complete one only when full.
  if (
    closed < closes &&
    f.status === 'complete' &&
    (f.onePerAuthor !== 'first' || f.accepted.length !== f.maxSubmissions)
  )
    problems.push(`closed early with ${f.accepted.length} of ${f.maxSubmissions} accepted`);
  for (const s of f.accepted) {
    const created = parseTime(s.created_at);
    if (created === undefined || !(created >= opens && created < closed))
      problems.push(`comment ${s.comment_id} accepted outside the window`);
  }
  return problems;
}

export function windowCheck(e: BoxEvidence): Check {
  if (!e.manifest.ok) return notEvaluated('window', e.manifest.reason);
  if (!e.result.ok) return notEvaluated('window', e.result.reason);
  if (!signatureVerified(e.manifestBundle) || !signatureVerified(e.resultBundle))
    return notEvaluated('window', 'an attestation did not verify: its time is not proven');
  const manifest = e.manifest.value;
  const result = e.result.value;
  const problems = windowProblems({
    version: manifest.version === MANIFEST_VERSION_V1 ? 'v1' : 'v1.1',
    manifestSignedTimes: e.manifestBundle.verification!.signedTimes,
    resultSignedTimes: e.resultBundle.verification!.signedTimes,
    windowSeconds: manifest.window_seconds,
    onePerAuthor: manifest.rules.one_per_author,
    maxSubmissions: manifest.rules.max_submissions,
    opensAt: result.opens_at,
    closesAt: result.closes_at,
    closedAt: result.closed_at,
    status: result.status,
    accepted: result.submissions.filter((s) => s.status === 'accepted'),
  });
  return problems.length
    ? failed('window', 'WINDOW', problems.join('; '))
    : passed('window', `open ${result.opens_at} to ${result.closed_at}, as attested`);
}
