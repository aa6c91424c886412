// What the local GitHub API keeps of issues and comments, and what GitHub
// keeps of their edits (the history GraphQL's userContentEdits lists), with
// the hooks tests use to act while a comment listing is in flight.
import type { GitHubUser, LockReason } from './github-access.ts';

/** One revision in an issue's or comment's edit history (GraphQL's UserContentEdit). */
export interface ContentEdit {
  editedAt: string;
  editor: GitHubUser;
}

/** What GitHub keeps of a body's edits. */
export interface EditRecord {
  /** Empty until the first edit; then the creation and each edit, oldest first. */
  edits: ContentEdit[];
  lastEditedAt: string | null;
  editor: GitHubUser | null;
}

export interface IssueRecord extends EditRecord {
  id: number;
  number: number;
  repo: string;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: string[];
  user: GitHubUser;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  locked: boolean;
  active_lock_reason: LockReason | null;
}

export interface CommentRecord extends EditRecord {
  id: number;
  repo: string;
  issue: number;
  body: string;
  user: GitHubUser;
  created_at: string;
  updated_at: string;
}

export interface SshSigningKey {
  id: number;
  key: string;
  title: string;
  created_at: string;
}

/** A page of an issue's comment listing about to be answered (REST or GraphQL). */
export interface ListingPage {
  via: 'rest' | 'graphql';
  repository: string;
  issue: number;
  /** 1-based; for GraphQL, the page a cursor falls on at the request's page size. */
  page: number;
}

/**
 * A test's hook into a listing in flight: `act` runs before the matching page
 * is answered (so after the pages before it), and may add, edit or delete
 * comments, through the API or the store. Runs once unless `every` is set.
 */
export interface PageHook {
  /** OWNER/REPO; any repository when absent. */
  repository?: string;
  /** Issue number; any issue when absent. */
  issue?: number;
  /** Before this page (default 2: between the first and the second). */
  page?: number;
  /** Only REST listings, or only GraphQL ones; both when absent. */
  via?: 'rest' | 'graphql';
  every?: boolean;
  act: (page: ListingPage) => void | Promise<void>;
}

export const NEVER_EDITED = (): EditRecord => ({ edits: [], lastEditedAt: null, editor: null });

/**
 * Records an edit as GitHub keeps it: the first edit also records the
 * creation (so a once-edited body has two revisions, and includesCreatedEdit
 * is true); lastEditedAt and editor name the latest.
 */
export function recordEdit(
  target: EditRecord & { created_at: string; user: GitHubUser },
  editor: GitHubUser,
  at: string,
): void {
  if (target.edits.length === 0)
    target.edits.push({ editedAt: target.created_at, editor: target.user });
  target.edits.push({ editedAt: at, editor });
  target.lastEditedAt = at;
  target.editor = editor;
}
