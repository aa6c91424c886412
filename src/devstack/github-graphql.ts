// GitHub's GraphQL API, the subset a client needs to read the edit record of
// an issue and its comments (lastEditedAt, includesCreatedEdit,
// userContentEdits), with cursor pagination and node ids consistent with the
// REST API's node_id. Every type and field below exists in GitHub's published
// schema with the same type; the tests check that against
// @octokit/graphql-schema. Queries are parsed and validated with the
// reference implementation (graphql-js); errors are shaped as GitHub shapes
// them: HTTP 200 with `errors`, a `type` such as NOT_FOUND on resolver errors,
// `extensions.code` undefinedField for unknown fields.
import {
  buildSchema,
  execute,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLError,
} from 'graphql';
import type { GitHubUser, Principal } from './github-access.ts';
import type { CommentRecord, ContentEdit, IssueRecord, ListingPage } from './github-records.ts';

export const SCHEMA_SDL = /* GraphQL */ `
  scalar DateTime
  scalar BigInt

  interface Node {
    id: ID!
  }

  interface Actor {
    login: String!
  }

  enum LockReason {
    OFF_TOPIC
    RESOLVED
    SPAM
    TOO_HEATED
  }

  type Query {
    repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
    node(id: ID!): Node
  }

  type Repository implements Node {
    id: ID!
    databaseId: Int
    name: String!
    nameWithOwner: String!
    issue(number: Int!): Issue
  }

  type User implements Node & Actor {
    id: ID!
    databaseId: Int
    login: String!
  }

  type Bot implements Node & Actor {
    id: ID!
    databaseId: Int
    login: String!
  }

  type Issue implements Node {
    id: ID!
    databaseId: Int
    fullDatabaseId: BigInt
    number: Int!
    title: String!
    body: String!
    author: Actor
    editor: Actor
    createdAt: DateTime!
    updatedAt: DateTime!
    lastEditedAt: DateTime
    includesCreatedEdit: Boolean!
    locked: Boolean!
    activeLockReason: LockReason
    repository: Repository!
    comments(after: String, before: String, first: Int, last: Int): IssueCommentConnection!
    userContentEdits(
      after: String
      before: String
      first: Int
      last: Int
    ): UserContentEditConnection
  }

  type IssueComment implements Node {
    id: ID!
    databaseId: Int
    fullDatabaseId: BigInt
    body: String!
    author: Actor
    editor: Actor
    createdAt: DateTime!
    updatedAt: DateTime!
    lastEditedAt: DateTime
    includesCreatedEdit: Boolean!
    issue: Issue!
    userContentEdits(
      after: String
      before: String
      first: Int
      last: Int
    ): UserContentEditConnection
  }

  type IssueCommentConnection {
    edges: [IssueCommentEdge]
    nodes: [IssueComment]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type IssueCommentEdge {
    cursor: String!
    node: IssueComment
  }

  type UserContentEdit implements Node {
    id: ID!
    createdAt: DateTime!
    updatedAt: DateTime!
    editedAt: DateTime!
    editor: Actor
    deletedAt: DateTime
  }

  type UserContentEditConnection {
    edges: [UserContentEditEdge]
    nodes: [UserContentEdit]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type UserContentEditEdge {
    cursor: String!
    node: UserContentEdit
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
  }
`;

const schema = buildSchema(SCHEMA_SDL);

/** Global node ids: the same in REST (node_id) and GraphQL (id). */
export const issueNodeId = (id: number) => `I_${id}`;
export const commentNodeId = (id: number) => `IC_${id}`;
export const repositoryNodeId = (id: number) => `R_${id}`;
export const userNodeId = (u: GitHubUser) => `${u.type === 'Bot' ? 'BOT' : 'U'}_${u.id}`;

/** What the endpoint reads of the API's store. */
export interface GraphStore {
  issue(repository: string, number: number): IssueRecord | undefined;
  issueById(id: number): IssueRecord | undefined;
  /** An issue's comments, oldest first. */
  comments(repository: string, number: number): CommentRecord[];
  commentById(id: number): CommentRecord | undefined;
  userById(id: number): GitHubUser | undefined;
  repositoryId(repository: string): number;
  /** Runs the hooks for a comment page about to be answered. */
  beforePage(page: ListingPage): Promise<void>;
}

/** An error GitHub reports with a `type` (NOT_FOUND, EXCESSIVE_PAGINATION, ...). */
class TypedError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const MAX_PAGE = 100;

const encodeCursor = (key: number) => Buffer.from(`cursor:v2:${key}`).toString('base64');

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const match = /^cursor:v2:(\d{1,15})$/.exec(text);
  if (!match || encodeCursor(Number(match[1])) !== cursor)
    throw new TypedError(
      'INVALID_CURSOR_ARGUMENTS',
      `\`${cursor}\` does not appear to be a valid cursor.`,
    );
  return Number(match[1]);
}

function checkBounds(args: ConnectionArgs, name: string): void {
  const { first, last } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null))
    throw new TypedError(
      'MISSING_PAGINATION_BOUNDARIES',
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
    );
  if (first !== undefined && first !== null && last !== undefined && last !== null)
    throw new TypedError(
      'INVALID_ARGUMENTS',
      `Passing both \`first\` and \`last\` to paginate the \`${name}\` connection is not supported.`,
    );
  for (const [arg, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value === undefined || value === null) continue;
    if (value < 0)
      throw new TypedError('INVALID_ARGUMENTS', `\`${arg}\` on \`${name}\` cannot be negative.`);
    if (value > MAX_PAGE)
      throw new TypedError(
        'EXCESSIVE_PAGINATION',
        `Requesting ${value} records on the \`${name}\` connection exceeds the \`${arg}\` limit of ${MAX_PAGE} records.`,
      );
  }
}

/** A Relay connection over items with increasing keys; a cursor names a key, so it survives deletions. */
function connection<T, N>(
  items: T[],
  keyOf: (item: T) => number,
  args: ConnectionArgs,
  node: (item: T) => N,
) {
  const after = args.after ? decodeCursor(args.after) : undefined;
  const before = args.before ? decodeCursor(args.before) : undefined;
  let window = items.filter(
    (i) => (after === undefined || keyOf(i) > after) && (before === undefined || keyOf(i) < before),
  );
  if (args.first !== undefined && args.first !== null) window = window.slice(0, args.first);
  else if (args.last !== undefined && args.last !== null)
    window = args.last === 0 ? [] : window.slice(-args.last);
  const firstKey = window.length ? keyOf(window[0]!) : undefined;
  const lastKey = window.length ? keyOf(window[window.length - 1]!) : undefined;
  return {
    totalCount: items.length,
    pageInfo: {
      startCursor: firstKey === undefined ? null : encodeCursor(firstKey),
      endCursor: lastKey === undefined ? null : encodeCursor(lastKey),
      hasNextPage: lastKey !== undefined && items.some((i) => keyOf(i) > lastKey),
      hasPreviousPage: firstKey !== undefined && items.some((i) => keyOf(i) < firstKey),
    },
    nodes: window.map(node),
    edges: window.map((i) => ({ cursor: encodeCursor(keyOf(i)), node: node(i) })),
  };
}

const LOCK_REASON_ENUM = {
  'off-topic': 'OFF_TOPIC',
  resolved: 'RESOLVED',
  spam: 'SPAM',
  'too heated': 'TOO_HEATED',
} as const;

export class GraphqlEndpoint {
  readonly #store: GraphStore;

  constructor(store: GraphStore) {
    this.#store = store;
  }

  /** Answers a POST /graphql body for a principal: always JSON; HTTP 400 only for a body that is not JSON. */
  async answer(
    body: string,
    _viewer: Principal,
    onDocument: (text: string) => void = () => {},
  ): Promise<{ status: number; json: unknown }> {
    let input: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      input = JSON.parse(body) as typeof input;
      if (input === null || typeof input !== 'object') throw new Error('not an object');
    } catch {
      return {
        status: 400,
        json: {
          message: 'Problems parsing JSON',
          documentation_url: 'https://docs.github.com/graphql',
        },
      };
    }
    if (typeof input.query !== 'string')
      return {
        status: 200,
        json: {
          errors: [{ message: 'A query attribute must be specified and must be a string.' }],
        },
      };
    onDocument(input.query);
    let document: DocumentNode;
    try {
      document = parse(input.query, { maxTokens: 20_000 });
    } catch (e) {
      const error = e as GraphQLError;
      return {
        status: 200,
        json: { errors: [{ message: error.message, locations: error.locations }] },
      };
    }
    const invalid = validate(schema, document);
    if (invalid.length) return { status: 200, json: { errors: invalid.map(validationError) } };
    const variables =
      input.variables && typeof input.variables === 'object'
        ? (input.variables as Record<string, unknown>)
        : undefined;
    const result = (await execute({
      schema,
      document,
      rootValue: this.#root(),
      variableValues: variables,
      operationName: typeof input.operationName === 'string' ? input.operationName : undefined,
    })) as ExecutionResult;
    const json: Record<string, unknown> = {};
    if (result.data !== undefined) json.data = result.data;
    if (result.errors?.length) json.errors = result.errors.map(executionError);
    return { status: 200, json };
  }

  #root() {
    return {
      repository: ({ owner, name }: { owner: string; name: string }) =>
        this.#repository(`${owner}/${name}`),
      node: ({ id }: { id: string }) => this.#node(id),
    };
  }

  #repository(full: string) {
    const [owner, name] = full.split('/') as [string, string];
    const databaseId = this.#store.repositoryId(full);
    return {
      __typename: 'Repository',
      id: repositoryNodeId(databaseId),
      databaseId,
      name,
      nameWithOwner: `${owner}/${name}`,
      issue: ({ number }: { number: number }) => {
        const issue = this.#store.issue(full, number);
        if (!issue)
          throw new TypedError(
            'NOT_FOUND',
            `Could not resolve to an Issue with the number of ${number}.`,
          );
        return this.#issue(issue);
      },
    };
  }

  #node(id: string) {
    const match = /^(I|IC|U|BOT)_(\d{1,15})$/.exec(id);
    const found = match
      ? match[1] === 'I'
        ? this.#store.issueById(Number(match[2]))
        : match[1] === 'IC'
          ? this.#store.commentById(Number(match[2]))
          : this.#store.userById(Number(match[2]))
      : undefined;
    if (!found)
      throw new TypedError(
        'NOT_FOUND',
        `Could not resolve to a node with the global id of '${id}'`,
      );
    if (match![1] === 'I') return this.#issue(found as IssueRecord);
    if (match![1] === 'IC') return this.#comment(found as CommentRecord);
    return actor(found as GitHubUser);
  }

  #issue(issue: IssueRecord) {
    const nodeId = issueNodeId(issue.id);
    return {
      __typename: 'Issue',
      id: nodeId,
      databaseId: issue.id,
      fullDatabaseId: String(issue.id),
      number: issue.number,
      title: issue.title,
      body: issue.body ?? '',
      author: actor(issue.user),
      editor: issue.editor ? actor(issue.editor) : null,
      createdAt: issue.created_at,
      updatedAt: issue.updated_at,
      lastEditedAt: issue.lastEditedAt,
      includesCreatedEdit: issue.edits.length > 0,
      locked: issue.locked,
      activeLockReason: issue.active_lock_reason
        ? LOCK_REASON_ENUM[issue.active_lock_reason]
        : null,
      repository: () => this.#repository(issue.repo),
      userContentEdits: (args: ConnectionArgs) => edits(nodeId, issue.edits, args),
      comments: async (args: ConnectionArgs) => {
        checkBounds(args, 'comments');
        const before = this.#store.comments(issue.repo, issue.number);
        const size = args.first ?? args.last ?? MAX_PAGE;
        const after = args.after ? decodeCursor(args.after) : undefined;
        const seen = after === undefined ? 0 : before.filter((c) => c.id <= after).length;
        await this.#store.beforePage({
          via: 'graphql',
          repository: issue.repo,
          issue: issue.number,
          page: size > 0 ? Math.floor(seen / size) + 1 : 1,
        });
        return connection(
          this.#store.comments(issue.repo, issue.number),
          (c) => c.id,
          args,
          (c) => this.#comment(c),
        );
      },
    };
  }

  #comment(comment: CommentRecord) {
    const nodeId = commentNodeId(comment.id);
    return {
      __typename: 'IssueComment',
      id: nodeId,
      databaseId: comment.id,
      fullDatabaseId: String(comment.id),
      body: comment.body,
      author: actor(comment.user),
      editor: comment.editor ? actor(comment.editor) : null,
      createdAt: comment.created_at,
      updatedAt: comment.updated_at,
      lastEditedAt: comment.lastEditedAt,
      includesCreatedEdit: comment.edits.length > 0,
      issue: () => {
        const issue = this.#store.issue(comment.repo, comment.issue);
        if (!issue) throw new TypedError('NOT_FOUND', 'Could not resolve to an Issue.');
        return this.#issue(issue);
      },
      userContentEdits: (args: ConnectionArgs) => edits(nodeId, comment.edits, args),
    };
  }
}

function actor(u: GitHubUser) {
  return {
    __typename: u.type === 'Bot' ? 'Bot' : 'User',
    id: userNodeId(u),
    databaseId: u.id,
    login: u.login,
  };
}

/** The edit history, newest first, as GitHub lists it. */
function edits(ownerId: string, history: ContentEdit[], args: ConnectionArgs) {
  checkBounds(args, 'userContentEdits');
  // Keys grow along the listing (newest first): key n is the n-th newest revision.
  const newestFirst = history.map((edit, n) => ({ edit, n })).reverse();
  return connection(
    newestFirst.map((e, key) => ({ ...e, key })),
    (e) => e.key,
    args,
    ({ edit, n }) => ({
      __typename: 'UserContentEdit',
      id: `UCE_${ownerId}_${n}`,
      createdAt: edit.editedAt,
      updatedAt: edit.editedAt,
      editedAt: edit.editedAt,
      editor: actor(edit.editor),
      deletedAt: null,
    }),
  );
}

function validationError(e: GraphQLError) {
  const undefinedField = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(e.message);
  if (undefinedField)
    return {
      extensions: {
        code: 'undefinedField',
        typeName: undefinedField[2],
        fieldName: undefinedField[1],
      },
      locations: e.locations,
      message: `Field '${undefinedField[1]}' doesn't exist on type '${undefinedField[2]}'`,
    };
  return { locations: e.locations, message: e.message };
}

function executionError(e: GraphQLError) {
  const original = e.originalError;
  return {
    ...(original instanceof TypedError ? { type: original.type } : {}),
    path: e.path,
    locations: e.locations,
    message: e.message,
  };
}
