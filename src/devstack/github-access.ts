// GitHub's permission model, as far as sealbox relies on it: who acts (a
// user's token, or a job's GITHUB_TOKEN acting as github-actions[bot]), the
// role each has on a repository, and what each role may do to issues and
// their comments. Sources: GitHub's REST reference ("Issue owners and users
// with push access or Triage role can edit an issue"; "Users with push access
// can lock an issue"; labels on new issues are silently dropped without push
// access), "Managing disruptive comments" (write access edits and deletes
// anyone's comments) and "Locking conversations" (while locked, only people
// with write access add comments).

/** Repository roles, least to most. Everyone has read on a public repository. */
export const REPOSITORY_ROLES = ['read', 'triage', 'write', 'maintain', 'admin'] as const;
export type RepositoryRole = (typeof REPOSITORY_ROLES)[number];

/** lock_reason values GitHub accepts. */
export const LOCK_REASONS = ['off-topic', 'too heated', 'resolved', 'spam'] as const;
export type LockReason = (typeof LOCK_REASONS)[number];

export interface GitHubUser {
  login: string;
  id: number;
  /** GitHub's account type; absent means User. */
  type?: 'User' | 'Bot';
}

/** The identity a job's GITHUB_TOKEN acts as. */
export const ACTIONS_BOT: Readonly<GitHubUser> = Object.freeze({
  login: 'github-actions[bot]',
  id: 41898282,
  type: 'Bot',
});

/** Who a request acts as: a user, or an installation token (GITHUB_TOKEN) of one repository. */
export interface Principal {
  user: GitHubUser;
  /** Set for a job's token: the repository it was issued for (OWNER/REPO). */
  installationRepository?: string;
}

export const atLeast = (role: RepositoryRole, least: RepositoryRole): boolean =>
  REPOSITORY_ROLES.indexOf(role) >= REPOSITORY_ROLES.indexOf(least);

export const sameRepository = (a: string, b: string): boolean =>
  a.toLowerCase() === b.toLowerCase();

/** The messages GitHub answers with when a role does not suffice. */
export const DENIED = {
  user: 'Must have admin rights to Repository.',
  integration: 'Resource not accessible by integration',
  lockedCreate: 'Unable to create comment because issue is locked.',
  // GitHub refuses these too (a locked conversation's comments are frozen
  // for people without write access); the wording is this stack's own.
  lockedUpdate: 'Unable to update comment because issue is locked.',
  lockedDelete: 'Unable to delete comment because issue is locked.',
} as const;

export const LOCKING_DOCS = 'https://docs.github.com/articles/locking-conversations';

/** Whether a principal may edit or delete a comment (its author, or write access), the issue unlocked or not. */
export function mayChangeComment(
  role: RepositoryRole,
  who: Principal,
  author: GitHubUser,
  locked: boolean,
): 'yes' | 'denied' | 'locked' {
  if (atLeast(role, 'write')) return 'yes';
  if (who.user.id !== author.id) return 'denied';
  return locked ? 'locked' : 'yes';
}

/** Title, body and state: the issue's author, or triage and up. */
export const mayEditIssue = (role: RepositoryRole, who: Principal, author: GitHubUser): boolean =>
  atLeast(role, 'triage') || who.user.id === author.id;
