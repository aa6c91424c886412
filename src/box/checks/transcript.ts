// `transcript`: the result's submissions are a consistent record, and, read
// from GitHub, every armoured comment on the issue from inside the window is
// in it as it was posted (comments deleted or edited after the close are
// noted, not failed: people may do that to their own comments); its private
// replies answer accepted submissions, one each, padded.
import { failed, notEvaluated, passed, type Check } from '../../check.ts';
import { findArmour } from '../armour.ts';
import { sha256Hex } from '../../bytes.ts';
import type { BoxResult } from '../result.ts';
import { parseTime } from '../times.ts';
import type { BoxEvidence, IssueOrigin } from './evidence.ts';
import { replyProblems } from './replies.ts';

function consistency(result: BoxResult): string[] {
  const problems: string[] = [];
  const ids = new Set<number>();
  const byReason: Record<string, number> = {};
  for (const s of result.submissions) {
    if (ids.has(s.comment_id)) problems.push(`comment ${s.comment_id} is recorded twice`);
    ids.add(s.comment_id);
    if (s.status === 'rejected' && !s.reason)
      problems.push(`comment ${s.comment_id} is rejected without a reason`);
    if (s.status !== 'rejected' && s.reason)
      problems.push(`comment ${s.comment_id} is ${s.status} with a reason`);
    if (s.reason) byReason[s.reason] = (byReason[s.reason] ?? 0) + 1;
  }
  const count = (status: string) => result.submissions.filter((s) => s.status === status).length;
  const c = result.counts;
  if (
    c.armoured !== result.submissions.length ||
    c.accepted !== count('accepted') ||
    c.rejected !== count('rejected') ||
    (c.deleted ?? 0) !== count('deleted') ||
    JSON.stringify(Object.entries(c.by_reason).sort()) !==
      JSON.stringify(Object.entries(byReason).sort())
  )
    problems.push('the counts do not match the submissions');
  return problems;
}

async function againstIssue(result: BoxResult, origin: IssueOrigin) {
  const problems: string[] = [];
  const later: string[] = [];
  const closed = parseTime(result.closed_at)!;
  const recorded = new Map(result.submissions.map((s) => [s.comment_id, s]));
  const present = new Set<number>();
  for (const c of origin.comments) {
    present.add(c.id);
    const created = parseTime(c.created_at);
    if (created === undefined || created >= closed) continue;
    const text = findArmour(c.body);
    if (text === undefined) continue;
    const editedLater = (parseTime(c.updated_at) ?? 0) > closed;
    const s = recorded.get(c.id);
    if (!s) {
      if (editedLater) later.push(`comment ${c.id} gained armour after the close`);
      else problems.push(`armoured comment ${c.id} by user ${c.author_id} is not in the result`);
      continue;
    }
    if (s.author_id !== c.author_id || s.created_at !== c.created_at)
      problems.push(`comment ${c.id} is recorded with another author or time`);
    else if (s.status === 'deleted')
      problems.push(`comment ${c.id} is recorded as deleted but is on the issue`);
    else if (s.ciphertext_sha256 !== (await sha256Hex(new TextEncoder().encode(text)))) {
      if (editedLater) later.push(`comment ${c.id} was edited after the close`);
      else problems.push(`comment ${c.id} carries another ciphertext than the result records`);
    }
  }
  const gone = result.submissions.filter(
    (s) => s.status !== 'deleted' && !present.has(s.comment_id),
  );
  if (gone.length) later.push(`${gone.length} recorded comment(s) deleted since`);
  return { problems, later };
}

export async function transcriptCheck(e: BoxEvidence, origin?: IssueOrigin): Promise<Check> {
  if (!e.result.ok) return notEvaluated('transcript', e.result.reason);
  const result = e.result.value;
  const problems = consistency(result);
  if (e.manifest.ok) problems.push(...replyProblems(e.manifest.value, result));
  const deleted = result.submissions.filter((s) => s.status === 'deleted').length;
  const replies = result.replies?.length ?? 0;
  const summary = `${result.submissions.length} armoured comment(s)${deleted ? `, ${deleted} deleted during collection` : ''}${replies ? `, ${replies} private repl${replies === 1 ? 'y' : 'ies'}` : ''}`;
  if (!origin) {
    return problems.length
      ? failed('transcript', 'TRANSCRIPT', problems.join('; '))
      : passed('transcript', `${summary}; read from files: not compared with the issue`);
  }
  const issue = await againstIssue(result, origin);
  problems.push(...issue.problems);
  return problems.length
    ? failed('transcript', 'TRANSCRIPT', problems.join('; '))
    : passed(
        'transcript',
        `${summary}, as on the issue${issue.later.length ? ` (${issue.later.join('; ')})` : ''}`,
      );
}
