// The job summary (GITHUB_STEP_SUMMARY) of a box: the verdict, the counts,
// the published output, a table of the submissions and the exact command
// that verifies it. Pure: it sees only what result.json publishes.
import type { BoxResult } from '../box/result.ts';

export interface SummaryFacts {
  box: string;
  repository: string;
  result: BoxResult;
  manifestDigest: string;
  resultDigest: string;
  manifestAttestationId?: number;
  resultAttestationId?: number;
  /** GITHUB_SERVER_URL: a verify command for another server needs its API URL. */
  apiUrl?: string;
}

/** At most this many submission rows; the rest are in result.json. */
export const SUMMARY_ROWS = 200;

const cell = (s: string) => s.replace(/[|\\`<>\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);

export function verifyCommand(f: Pick<SummaryFacts, 'box' | 'repository' | 'apiUrl'>): string {
  const env =
    f.apiUrl && f.apiUrl !== 'https://api.github.com' ? `GITHUB_API_URL=${f.apiUrl} ` : '';
  return `${env}npx sealbox box verify ${f.box} --repo ${f.repository}`;
}

export function boxSummary(f: SummaryFacts): string {
  const r = f.result;
  const lines = [
    `## sealbox box ${cell(r.box_id)}: ${r.status}${r.reason ? ` (${cell(r.reason)})` : ''}`,
    '',
    `Box ${f.box}: open ${r.opens_at} to ${r.closes_at}, closed ${r.closed_at}.`,
    '',
    '| | |',
    '|---|---|',
    `| armoured submissions | ${r.counts.armoured} |`,
    `| accepted | ${r.counts.accepted} |`,
    `| rejected | ${r.counts.rejected} |`,
    ...Object.entries(r.counts.by_reason).map(([k, n]) => `| rejected: ${k} | ${n} |`),
    `| manifest.json sha256 | \`${f.manifestDigest}\` |`,
    `| result.json sha256 | \`${f.resultDigest}\` |`,
    ...(f.manifestAttestationId !== undefined
      ? [`| manifest attestation | ${f.manifestAttestationId} |`]
      : []),
    ...(f.resultAttestationId !== undefined
      ? [`| result attestation | ${f.resultAttestationId} |`]
      : []),
    '',
    '### Output',
    '',
    '```json',
    JSON.stringify(r.output, null, 2).replace(/```/g, '`\u200b``'),
    '```',
    '',
    '### Submissions',
    '',
    '| comment | author | status |',
    '|---|---|---|',
    ...r.submissions
      .slice(0, SUMMARY_ROWS)
      .map(
        (s) =>
          `| ${s.comment_id} | ${cell(s.author_login)} | ${s.status}${s.reason ? `: ${s.reason}` : ''} |`,
      ),
    ...(r.submissions.length > SUMMARY_ROWS
      ? ['', `${r.submissions.length - SUMMARY_ROWS} more in result.json.`]
      : []),
    '',
    '### Verify',
    '',
    'Anyone can check this box, offline after fetching, with:',
    '',
    '```sh',
    verifyCommand(f),
    '```',
    '',
  ];
  return lines.join('\n');
}
