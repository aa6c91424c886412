// Finding a box on GitHub from its address: the issue named, or the issue of
// a run (found by title, then checked by the manifest's run fields by the
// caller). Reads the announcement and the last result posted.
import type { Octokit } from '@octokit/rest';
import { attemptFromTitle, type BoxAddress } from '../box/address.ts';
import { parseResultComments, type Announcement } from '../box/bus.ts';
import type { BusComment } from '../box/submissions.ts';
import type { BoxFiles } from '../box/verify.ts';
import { SealboxError, serviceError } from '../errors.ts';
import { BOX_LABEL, GitHubIssueBus } from './issue-bus.ts';

export interface LocatedBox {
  repository: string;
  issue: number;
  /** OWNER/REPO#N */
  address: string;
  /** When the address was a run: the run and attempt the manifest must name. */
  run?: { runId: number; attempt?: number };
  bus: GitHubIssueBus;
}

/**
 * The issue of a run's box: the highest attempt unless one is named; undefined
 * if none yet. `since` (the run's start) bounds the listing to issues updated
 * after it, so polling does not read every box the repository ever had.
 */
export async function issueOfRun(
  octokit: Octokit,
  repository: string,
  runId: number,
  attempt?: number,
  since?: string,
): Promise<number | undefined> {
  const [owner, repo] = repository.split('/') as [string, string];
  let best: { issue: number; attempt: number } | undefined;
  try {
    for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
      owner,
      repo,
      labels: BOX_LABEL,
      state: 'all',
      per_page: 100,
      ...(since ? { since } : {}),
    })) {
      for (const i of page.data) {
        const a = attemptFromTitle(i.title, runId);
        if (a === undefined || (attempt !== undefined && a !== attempt)) continue;
        if (!best || a > best.attempt) best = { issue: i.number, attempt: a };
      }
    }
  } catch (e) {
    throw serviceError(`issues of ${repository}`, e);
  }
  return best?.issue;
}

export async function locateBox(
  octokit: Octokit,
  address: Exclude<BoxAddress, { kind: 'dir' }>,
): Promise<LocatedBox> {
  let issue: number;
  if (address.kind === 'issue') issue = address.issue;
  else {
    const found = await issueOfRun(octokit, address.repository, address.runId, address.attempt);
    if (found === undefined)
      throw new SealboxError(
        'INPUT_NOT_FOUND',
        `run ${address.runId} of ${address.repository}${address.attempt ? ` (attempt ${address.attempt})` : ''}: no box issue (yet)`,
      );
    issue = found;
  }
  return {
    repository: address.repository,
    issue,
    address: `${address.repository}#${issue}`,
    run: address.kind === 'run' ? { runId: address.runId, attempt: address.attempt } : undefined,
    bus: new GitHubIssueBus(octokit, address.repository, issue),
  };
}

export interface BoxOnGitHub {
  announcement: Announcement;
  comments: BusComment[];
  result?: { result: Uint8Array; bundle: unknown };
}

/** The box's announcement (its manifest and bundle); refuses an issue that has none. */
export async function readAnnouncement(box: LocatedBox): Promise<Announcement> {
  const announcement = await box.bus.announcement().catch((e: unknown) => {
    throw serviceError(box.address, e);
  });
  if (!announcement)
    throw new SealboxError(
      'INPUT_INVALID',
      `${box.address}: is not a sealbox box (no manifest in the issue)`,
    );
  return announcement;
}

/** The announcement, every comment, and the last result posted (whole, or in parts). */
export async function readBox(box: LocatedBox): Promise<BoxOnGitHub> {
  const announcement = await readAnnouncement(box);
  const comments = await box.bus.comments().catch((e: unknown) => {
    throw serviceError(box.address, e);
  });
  const result = await parseResultComments(comments.map((c) => c.body));
  return { announcement, comments, result };
}

/**
 * A box's four files as `box verify` reads them, from its issue or run: the
 * manifest announced and the last result posted. Only the box's attestation
 * makes a result count; which one was posted last decides nothing.
 */
export async function boxFilesOnGitHub(
  octokit: Octokit,
  address: Exclude<BoxAddress, { kind: 'dir' }>,
): Promise<{ files: BoxFiles; located: LocatedBox }> {
  const located = await locateBox(octokit, address);
  const box = await readBox(located);
  if (!box.result) throw new SealboxError('INPUT_INVALID', `${located.address}: has no result yet`);
  return {
    files: {
      manifest: box.announcement.manifest,
      manifestBundle: box.announcement.manifestBundle,
      result: box.result.result,
      resultBundle: box.result.bundle,
    },
    located,
  };
}
