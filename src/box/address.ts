// What names a box, the same way in every command (box verify, submit,
// status; box run prints the first form):
//   OWNER/REPO#N                                   the box's issue
//   https://HOST/OWNER/REPO/issues/N               the same, as a link
//   https://HOST/OWNER/REPO/actions/runs/ID        the run that hosts it (its latest attempt)
//   https://HOST/OWNER/REPO/actions/runs/ID/attempts/K   one attempt
//   anything else                                  a directory of the four box files
// A run is resolved to its issue by the issue's title, `sealbox box
// box-ID-K-...`, which is only a hint: the box's manifest must then name
// that run id (and attempt), or verification fails.
import { SealboxError } from '../errors.ts';

export type BoxAddress =
  | { kind: 'issue'; repository: string; issue: number }
  | { kind: 'run'; repository: string; runId: number; attempt?: number }
  | { kind: 'dir'; path: string };

const NAME = '[A-Za-z0-9_.-]+';

export function parseBoxAddress(text: string): BoxAddress {
  const s = text.trim();
  let m = new RegExp(`^(${NAME}/${NAME})#(\\d+)$`).exec(s);
  if (m) return { kind: 'issue', repository: m[1]!, issue: Number(m[2]) };
  if (/^https?:\/\//i.test(s)) {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      throw new SealboxError('USAGE', `${text}: not a URL`);
    }
    // Matched at the end of the path: a server may live under a prefix (the local stack's /github).
    const path = url.pathname.replace(/\/+$/, '');
    m = new RegExp(`/(${NAME}/${NAME})/issues/(\\d+)$`).exec(path);
    if (m) return { kind: 'issue', repository: m[1]!, issue: Number(m[2]) };
    m = new RegExp(`/(${NAME}/${NAME})/actions/runs/(\\d+)(?:/attempts/(\\d+))?$`).exec(path);
    if (m)
      return {
        kind: 'run',
        repository: m[1]!,
        runId: Number(m[2]),
        attempt: m[3] ? Number(m[3]) : undefined,
      };
    throw new SealboxError(
      'USAGE',
      `${text}: a box is OWNER/REPO#ISSUE, an issue or run URL, or a directory`,
    );
  }
  return { kind: 'dir', path: s };
}

/** The issue title a box job gives its issue (see runBoxJob's box id). */
export function boxIssueTitlePrefix(runId: number, attempt?: number): string {
  return `sealbox box box-${runId}-${attempt === undefined ? '' : `${attempt}-`}`;
}

/** The attempt a box issue title names, or undefined if the title is not one for this run. */
export function attemptFromTitle(title: string, runId: number): number | undefined {
  const m = new RegExp(`^sealbox box box-${runId}-(\\d+)-[0-9a-f]+$`).exec(title);
  return m ? Number(m[1]) : undefined;
}
