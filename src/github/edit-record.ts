// GitHub's own record of edits to an issue's comments, read through GraphQL
// (REST has no such field): for each comment, when it was last edited and
// how many edits GitHub kept. An edit within a comment's creation second
// leaves updated_at equal to created_at in REST; lastEditedAt still shows it.
// This rests on GitHub recording every edit, which nothing offline can
// confirm.
import * as z from 'zod/mini';
import { SealboxError, describe } from '../errors.ts';

export interface CommentEditRecord {
  /** When the comment was last edited (ISO 8601), or null if never. */
  lastEditedAt: string | null;
  /** Edits GitHub kept (its history also holds the original once edited; that is not counted). */
  edits: number;
}

/** Anything with Octokit's `graphql` (an Octokit, or a test double). */
export interface GraphqlClient {
  graphql: <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;
}

/**
 * The one query sent. fullDatabaseId is the comment's REST id as a string
 * (GitHub's comment ids outgrew GraphQL's 32-bit Int, where databaseId is
 * null or wrong); databaseId is the fallback for servers without it.
 */
export const COMMENT_EDITS_QUERY = /* GraphQL */ `
  query CommentEdits($owner: String!, $name: String!, $number: Int!, $after: String) {
    repository(owner: $owner, name: $name) {
      issue(number: $number) {
        comments(first: 100, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            databaseId
            fullDatabaseId
            createdAt
            lastEditedAt
            includesCreatedEdit
            userContentEdits(first: 1) {
              totalCount
              nodes {
                editedAt
              }
            }
          }
        }
      }
    }
  }
`;

// zod/mini, as the core's other schemas: the classic API would load all of zod.
const Id = z.union([z.string().check(z.regex(/^\d{1,15}$/)), z.int().check(z.nonnegative())]);

const Page = z.object({
  repository: z.nullable(
    z.object({
      issue: z.nullable(
        z.object({
          comments: z.object({
            totalCount: z.optional(z.int().check(z.nonnegative())),
            pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.nullable(z.string()) }),
            nodes: z.array(
              z.nullable(
                z.object({
                  databaseId: z.optional(z.nullable(Id)),
                  fullDatabaseId: z.optional(z.nullable(Id)),
                  createdAt: z.string(),
                  lastEditedAt: z.nullable(z.string()),
                  includesCreatedEdit: z.boolean(),
                  userContentEdits: z.nullable(
                    z.object({ totalCount: z.int().check(z.nonnegative()) }),
                  ),
                }),
              ),
            ),
          }),
        }),
      ),
    }),
  ),
});

/** Pages are 100 comments; this bounds a listing that never ends (a server that keeps saying "more"). */
const MAX_PAGES = 10_000;

/**
 * The edit record of every comment on OWNER/REPO#ISSUE, by comment id (the
 * REST id), all pages. Throws SealboxError('SERVICE') if GitHub cannot be
 * read or answers with something else.
 */
export async function commentEditRecords(
  octokit: GraphqlClient,
  repository: string,
  issue: number,
): Promise<Map<number, CommentEditRecord>> {
  return (await commentEditListing(octokit, repository, issue)).records;
}

export interface CommentEditListing {
  records: Map<number, CommentEditRecord>;
  /** The issue's comment count as the pages gave it (the largest), when they gave it. */
  totalCount?: number;
}

/** commentEditRecords, with the comment count its pages carry. */
export async function commentEditListing(
  octokit: GraphqlClient,
  repository: string,
  issue: number,
): Promise<CommentEditListing> {
  const [owner, name] = repository.split('/') as [string, string];
  const where = `${repository}#${issue}: reading the comments' edit record`;
  const records = new Map<number, CommentEditRecord>();
  let totalCount: number | undefined;
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    let answer: unknown;
    try {
      answer = await octokit.graphql(COMMENT_EDITS_QUERY, { owner, name, number: issue, after });
    } catch (e) {
      throw new SealboxError('SERVICE', `${where}: ${describe(e)}`, { cause: e });
    }
    const parsed = Page.safeParse(answer);
    if (!parsed.success)
      throw new SealboxError('SERVICE', `${where}: GitHub's answer has an unexpected shape`);
    const comments = parsed.data.repository?.issue?.comments;
    if (!comments) throw new SealboxError('SERVICE', `${where}: no such issue`);
    if (comments.totalCount !== undefined)
      totalCount = Math.max(totalCount ?? 0, comments.totalCount);
    for (const node of comments.nodes) {
      if (!node) continue;
      const id = Number(node.fullDatabaseId ?? node.databaseId);
      if (!Number.isSafeInteger(id) || id <= 0)
        throw new SealboxError('SERVICE', `${where}: a comment without an id`);
      const kept = node.userContentEdits?.totalCount ?? 0;
      const edits = Math.max(kept - (node.includesCreatedEdit ? 1 : 0), node.lastEditedAt ? 1 : 0);
      records.set(id, { lastEditedAt: node.lastEditedAt, edits });
    }
    if (!comments.pageInfo.hasNextPage) return { records, totalCount };
    if (!comments.pageInfo.endCursor || comments.pageInfo.endCursor === after)
      throw new SealboxError('SERVICE', `${where}: a next page without a new cursor`);
    after = comments.pageInfo.endCursor;
  }
  throw new SealboxError('SERVICE', `${where}: more than ${MAX_PAGES} pages`);
}
