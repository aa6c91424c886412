// Finding a box on GitHub from its address: the issue named, or the issue of
// a run (found by title, then checked by the manifest's run fields by the
// caller). Reads the announcement and the last result posted.
import type { Octokit } from '@octokit/rest';
import { attemptFromTitle, type BoxAddress } from '../box/address.ts';
import { isOpening, parseAnnouncement, type Announcement } from '../box/bus.ts';
import type { BusComment } from '../box/close-rules.ts';
import { issueBusOf, MANIFEST_VERSION_V1, parseAnyManifest } from '../box/manifest.ts';
import { parseResult } from '../box/result.ts';
import { resultCandidates, type ResultFiles } from '../box/result-comments.ts';
import {
  verifyBox,
  type BoxFiles,
  type BoxVerification,
  type BoxVerifyOptions,
} from '../box/verify.ts';
import { sha256Hex } from '../bytes.ts';
import { describe, SealboxError, serviceError } from '../errors.ts';
import { BOX_LABEL, GitHubIssueBus } from './issue-bus.ts';

export interface LocatedBox {
  repository: string;
  issue: number;
  /** OWNER/REPO#N */
  address: string;
  /** When the address was a run: the run and attempt the manifest must name. */
  run?: { runId: number; attempt?: number };
  bus: GitHubIssueBus;
  octokit: Octokit;
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
    octokit,
  };
}

/** The box's issue as GitHub shows it now: its identity, its announcement, every comment. */
export interface BoxOnGitHub {
  located: LocatedBox;
  issue: { number: number; nodeId: string; authorId: number };
  announcement: Announcement;
  comments: BusComment[];
}

/** The box's announcement (its manifest and bundle); refuses an issue that has none. */
export async function readAnnouncement(box: LocatedBox): Promise<Announcement> {
  return (await readIssue(box)).announcement;
}

/** The issue's announcement and identity (number, node id, author). */
export async function readIssue(box: LocatedBox) {
  const [owner, repo] = box.repository.split('/') as [string, string];
  const issue = await box.octokit.rest.issues
    .get({ owner, repo, issue_number: box.issue })
    .catch((e: unknown) => {
      throw serviceError(box.address, e);
    });
  const body = issue.data.body ?? '';
  const announcement = parseAnnouncement(body);
  if (!announcement)
    throw new SealboxError(
      'INPUT_INVALID',
      isOpening(body)
        ? `${box.address}: the box is still opening (its manifest is not attested yet); try again in a few seconds`
        : `${box.address}: is not a sealbox box (no manifest in the issue)`,
    );
  return {
    announcement,
    issue: {
      number: issue.data.number,
      nodeId: issue.data.node_id,
      authorId: issue.data.user?.id ?? 0,
    },
  };
}

/** The announcement, the issue's identity and every comment. */
export async function readBox(located: LocatedBox): Promise<BoxOnGitHub> {
  const { announcement, issue } = await readIssue(located);
  const comments = await located.bus.comments().catch((e: unknown) => {
    throw serviceError(located.address, e);
  });
  return { located, issue, announcement, comments };
}

/** Result candidates verified at most, newest first (each costs a Sigstore verification). */
export const MAX_CANDIDATES = 20;

export interface BoxOnGitHubVerification {
  verification: BoxVerification;
  /** The four files verified: the announcement's manifest, and the result chosen. */
  files: BoxFiles;
  located: LocatedBox;
  /** Candidates skipped (junk, or results that did not verify), for the reader. */
  notes: string[];
}

/**
 * Verifies a box from its issue or run (docs/spec/sealed-box-v1.1.md,
 * "Reading a box from its issue"): result candidates by the manifest's
 * author only, newest first; the first that verifies is the box's. Junk is
 * skipped with a note, never an error.
 */
export async function verifyBoxOnGitHub(
  octokit: Octokit,
  address: Exclude<BoxAddress, { kind: 'dir' }>,
  options: Omit<BoxVerifyOptions, 'origin' | 'expectedRun'>,
): Promise<BoxOnGitHubVerification> {
  const located = await locateBox(octokit, address);
  const box = await readBox(located);
  const manifestDigest = await sha256Hex(box.announcement.manifest);
  let author: number | undefined = box.issue.authorId;
  try {
    const manifest = parseAnyManifest(box.announcement.manifest);
    author = manifest.version === MANIFEST_VERSION_V1 ? undefined : issueBusOf(manifest)?.author.id;
  } catch {
    // A manifest that does not parse fails its checks; the issue's author is the best guess.
  }
  const candidates = resultCandidates(box.comments, author);
  if (!candidates.length)
    throw new SealboxError('INPUT_INVALID', `${located.address}: has no result yet`);
  const notes: string[] = [];
  let first: { verification: BoxVerification; files: BoxFiles } | undefined;
  let tried = 0;
  for (const candidate of candidates) {
    if (tried >= MAX_CANDIDATES) {
      notes.push(`${candidates.length - tried} older result candidate(s) not tried`);
      break;
    }
    let files: ResultFiles;
    try {
      files = await candidate.load();
    } catch (e) {
      notes.push(`skipped a result at comment ${candidate.commentId}: ${describe(e)}`);
      continue;
    }
    if (first && !namesManifest(files.result, manifestDigest)) {
      notes.push(`skipped a result at comment ${candidate.commentId}: it names another manifest`);
      continue;
    }
    tried++;
    const boxFiles: BoxFiles = {
      manifest: box.announcement.manifest,
      manifestBundle: box.announcement.manifestBundle,
      result: files.result,
      resultBundle: files.bundle,
    };
    const verification = await verifyBox(boxFiles, {
      ...options,
      expectedRun: located.run,
      origin: {
        repository: located.repository,
        number: box.issue.number,
        nodeId: box.issue.nodeId,
        authorId: box.issue.authorId,
        resultAuthorId: candidate.authorId,
        comments: box.comments,
      },
    });
    if (verification.ok)
      return {
        verification,
        files: boxFiles,
        located,
        notes: first ? [...notes, 'a newer result did not verify and was skipped'] : notes,
      };
    first ??= { verification, files: boxFiles };
    notes.push(`a result at comment ${candidate.commentId} did not verify`);
  }
  if (!first) throw new SealboxError('INPUT_INVALID', `${located.address}: has no readable result`);
  return { ...first, located, notes };
}

function namesManifest(result: Uint8Array, digest: string): boolean {
  try {
    return parseResult(result).manifest_digest === digest;
  } catch {
    return false;
  }
}
