// The local stack as a library (the package's `./devstack` export): start and
// stop it, get tokens and ids for users and for a job, set repository roles,
// lock issues, set users' SSH signing keys, freeze or move GitHub's clock,
// switch faults on, including hooks that act between the pages of a comment
// listing in flight, and make sealbox's box workflow run at other refs (a
// branch, a fork, a tag, a revoked release) than the stack's own release. Everything an attack on a box needs, without
// importing internals; docs/devstack.md has a worked example.
import type { LoginIssuer } from './login.ts';
import { DevStack, type Faults, type StackOptions } from './stack.ts';
import { BOX_WORKFLOW, type Release } from '../box/releases.ts';
import { DEFAULT_RUN, type RunIdentity } from './identity.ts';
import { SEALBOX_REPOSITORY } from './runner.ts';
import type {
  Fault,
  GitHubUser,
  LockReason,
  PageHook,
  RepositoryRole,
  SshSigningKey,
} from './github-api.ts';

export { DevStack };
export type { Faults as SigstoreFaults, StackOptions };
export type {
  Fault as GitHubFault,
  GitHubUser,
  ListingPage,
  LockReason,
  PageHook,
  RepositoryRole,
  SshSigningKey,
} from './github-api.ts';
export { ACTIONS_BOT, LOCK_REASONS, REPOSITORY_ROLES } from './github-access.ts';
export type { RunIdentity } from './identity.ts';
export { LOGIN_ISSUER, type LoginIssuer, type LoginFaults } from './login.ts';
export { DEFAULT_RUN } from './identity.ts';
export type { Release } from '../box/releases.ts';
export { SEALBOX_REPOSITORY } from './runner.ts';

/** Starts a stack on 127.0.0.1 (a free port unless `port` is given). */
export function startStack(options: StackOptions = {}): Promise<DevStack> {
  return DevStack.start(options);
}

export function stopStack(stack: DevStack): Promise<void> {
  return stack.stop();
}

export interface UserToken extends GitHubUser {
  /** A personal access token for GITHUB_TOKEN / Octokit's auth. */
  token: string;
}

/** A token for each login (users are created on first use, with fresh numeric ids). */
export function userTokens(stack: DevStack, logins: string[]): UserToken[] {
  return logins.map((login) => {
    const token = stack.github.tokenFor(login);
    return { ...stack.github.user(login), token };
  });
}

/** A user's numeric id (the id submissions are sealed for), creating the user if new. */
export function userId(stack: DevStack, login: string): number {
  return stack.github.user(login).id;
}

/** A job's GITHUB_TOKEN for `repository`: github-actions[bot] (id 41898282), write access there. */
export function jobToken(stack: DevStack, repository: string): string {
  return stack.github.jobToken(repository);
}

/** Gives `login` a role on `repository` (null removes it). A repository's owner is always admin. */
export function setRepositoryRole(
  stack: DevStack,
  repository: string,
  login: string,
  role: RepositoryRole | null,
): void {
  stack.github.setRole(repository, login, role);
}

export function repositoryRole(stack: DevStack, repository: string, login: string): RepositoryRole {
  return stack.github.roleOf(repository, login);
}

/** Locks an issue (a reason, or null for none) or unlocks it (false), as a user with write access would. */
export function setIssueLock(
  stack: DevStack,
  repository: string,
  issue: number,
  lock: LockReason | null | false,
): void {
  stack.github.setLock(repository, issue, lock);
}

export function issueLock(
  stack: DevStack,
  repository: string,
  issue: number,
): { locked: boolean; reason: LockReason | null } {
  return stack.github.lockState(repository, issue);
}

/** Replaces a user's SSH signing keys (OpenSSH public key lines, as `ssh-keygen` writes KEY.pub). */
export function setSshSigningKeys(
  stack: DevStack,
  login: string,
  keys: (string | { key: string; title?: string })[],
): SshSigningKey[] {
  return stack.github.setSshSigningKeys(login, keys);
}

/** GitHub's clock (created_at, updated_at, lastEditedAt): frozen at `at`, or real time again with no argument. */
export function setGitHubClock(stack: DevStack, at?: Date | string): void {
  stack.github.setClock(at);
}

/** Moves GitHub's clock on by `seconds` (and leaves it frozen there). */
export function advanceGitHubClock(stack: DevStack, seconds: number): void {
  stack.github.advanceClock(seconds);
}

export function gitHubNow(stack: DevStack): Date {
  return stack.github.now();
}

/** The next GitHub API request matching the fault gets it instead of (or later than) its answer. */
export function addGitHubFault(stack: DevStack, fault: Fault): void {
  stack.github.faults.push(fault);
}

/**
 * While on, comment edits leave no trace in GraphQL's edit history: GitHub
 * failing to record an edit, which a box cannot rule out offline.
 */
export function forgetCommentEdits(stack: DevStack, on: boolean): void {
  stack.github.forgetCommentEdits = on;
}

/** Runs `hook.act` before a page of a comment listing (REST or GraphQL) is answered. */
export function betweenPages(stack: DevStack, hook: PageHook): void {
  stack.github.betweenPages(hook);
}

/**
 * The issuer people log in through (at `stack.loginUrl`): set `faults`
 * (`foreignIssuer`), `deviceCodeLifetime` and `pollInterval` on it; `issued`
 * lists the ID tokens it handed out.
 */
export function loginIssuer(stack: DevStack): LoginIssuer {
  return stack.login;
}

/** Fulcio down or slow, Rekor refusing: set fields on the returned object. */
export function sigstoreFaults(stack: DevStack): Faults {
  return stack.faults;
}

/** The stack's own sealbox release: the tag v<version> of its fake sealbox/sealbox, and the commit. */
export function sealboxRelease(stack: DevStack): Release {
  return { ...stack.release };
}

/**
 * A run of sealbox's box workflow as the stack's release (pinned by its tag,
 * or with `pin: 'commit'` by its sha), for attesting boxes in this process:
 * its certificates name the box workflow at that release.
 */
export function releasedBoxRun(
  stack: DevStack,
  extra: Partial<RunIdentity> = {},
  pin: 'tag' | 'commit' = 'tag',
): RunIdentity {
  const { tag, commit } = stack.release;
  return {
    ...DEFAULT_RUN,
    jobWorkflowRef: `${BOX_WORKFLOW}@${pin === 'tag' ? `refs/tags/${tag}` : commit}`,
    jobWorkflowSha: commit,
    ...extra,
  };
}

/**
 * Commits sealbox's files as the stack's release has them, with `changes`,
 * to a branch of sealbox/sealbox (or of `repository`, a fork); returns the
 * commit's sha. Nothing lists it as a release unless told.
 */
export function commitSealbox(
  stack: DevStack,
  o: { branch?: string; repository?: string; changes?: Record<string, string> } = {},
): string {
  const released = stack.github.commitAt(SEALBOX_REPOSITORY, stack.release.commit)!;
  return stack.github.putFiles(
    o.repository ?? SEALBOX_REPOSITORY,
    { ...Object.fromEntries(released.files), ...o.changes },
    o.branch ?? 'main',
  );
}

/** Tags a commit of sealbox/sealbox (a tag nobody lists is not a release). */
export function tagSealbox(stack: DevStack, tag: string, sha: string): void {
  stack.github.setTag(SEALBOX_REPOSITORY, tag, sha);
}

/** Lists a tag and commit as a release of the stack's sealbox (its STATE/releases.json). */
export function listSealboxRelease(stack: DevStack, release: Release): void {
  stack.listRelease(release);
}

/** Revokes a release of the stack's sealbox: boxes of that commit then fail `release`. */
export function revokeSealboxRelease(stack: DevStack, release: Release, reason: string): void {
  stack.revokeRelease(release, reason);
}

/** Makes `fork` a fork of `parent`: GitHub resolves any commit of either from both. */
export function forkRepository(stack: DevStack, parent: string, fork: string): void {
  stack.github.fork(parent, fork);
}

/** Variables the stack's runner machine sets in every job step (as a runner image's environment). */
export function setRunnerEnvironment(stack: DevStack, env: Record<string, string>): void {
  stack.runner.machineEnv = { ...env };
}
