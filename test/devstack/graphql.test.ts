// The local API's GraphQL subset: every type and field exists in GitHub's
// published schema (@octokit/graphql-schema) with the same type, every query
// a client sent validates against that schema, and the edit record it serves
// (lastEditedAt, includesCreatedEdit, userContentEdits) follows the edits
// made through REST, paginated, with node ids equal to REST's node_id and
// errors shaped as GitHub shapes them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { schema as github, validate as validateAgainstGitHub } from '@octokit/graphql-schema';
import {
  buildSchema,
  isEnumType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLNamedType,
} from 'graphql';
import { SCHEMA_SDL } from '../../src/devstack/github-graphql.ts';
import { COMMENT_EDITS_QUERY, commentEditRecords } from '../../src/github/edit-record.ts';
import { SealboxError } from '../../src/errors.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const owner = 'demo';
const repo = 'edits';
const REPO = `${owner}/${repo}`;

const client = (token?: string) =>
  new Octokit({ auth: token, baseUrl: ctx.stack.githubApiUrl, request: { retries: 0 } });

/** Raw POST /graphql, to see the answer as GitHub would send it (Octokit throws on errors). */
async function post(body: unknown, token = ctx.stack.github.tokenFor('reader')) {
  const r = await fetch(`${ctx.stack.githubApiUrl}/graphql`, {
    method: 'POST',
    headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

const theirs = buildSchema(github.idl, { assumeValidSDL: true });

/** Where an SDL departs from GitHub's schema: types, fields, argument types, interfaces, enum values. */
function departures(sdl: string): { problems: string[]; fields: number } {
  const ours = buildSchema(sdl);
  const problems: string[] = [];
  let fields = 0;
  for (const type of Object.values(ours.getTypeMap())) {
    if (
      type.name.startsWith('__') ||
      ['String', 'Int', 'Boolean', 'ID', 'Float'].includes(type.name)
    )
      continue;
    const other = theirs.getType(type.name) as GraphQLNamedType | undefined;
    if (!other || other.constructor !== type.constructor) {
      problems.push(`${type.name}: not a ${type.constructor.name} in GitHub's schema`);
      continue;
    }
    if (isScalarType(type)) continue;
    if (isEnumType(type) && isEnumType(other)) {
      const known = new Set(other.getValues().map((v) => v.name));
      for (const v of type.getValues())
        if (!known.has(v.name)) problems.push(`${type.name}.${v.name}: no such value`);
      continue;
    }
    if (
      (isObjectType(type) || isInterfaceType(type)) &&
      (isObjectType(other) || isInterfaceType(other))
    ) {
      const interfaces = new Set(other.getInterfaces().map((i) => i.name));
      for (const i of type.getInterfaces())
        if (!interfaces.has(i.name)) problems.push(`${type.name}: does not implement ${i.name}`);
      const theirFields = other.getFields() as Record<string, GraphQLField<unknown, unknown>>;
      for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
        fields++;
        const twin = theirFields[field.name];
        if (!twin) {
          problems.push(`${type.name}.${field.name}: no such field`);
          continue;
        }
        if (String(twin.type) !== String(field.type))
          problems.push(`${type.name}.${field.name}: ${field.type}, GitHub says ${twin.type}`);
        for (const arg of field.args) {
          const theirArg = twin.args.find((a) => a.name === arg.name);
          if (!theirArg || String(theirArg.type) !== String(arg.type))
            problems.push(
              `${type.name}.${field.name}(${arg.name}: ${arg.type}): GitHub says ${theirArg?.type}`,
            );
        }
        for (const required of twin.args.filter(
          (a) => String(a.type).endsWith('!') && a.defaultValue === undefined,
        ))
          if (!field.args.some((a) => a.name === required.name))
            problems.push(`${type.name}.${field.name}: lacks GitHub's required ${required.name}`);
      }
    }
  }
  return { problems, fields };
}

test("the subset's every type, field and argument is GitHub's, with the same types", () => {
  const { problems, fields } = departures(SCHEMA_SDL);
  assert.ok(fields > 50, `the comparison saw the subset's fields (${fields})`);
  assert.deepEqual(problems, []);
});

test('the comparison catches a departure (control)', () => {
  const broken = SCHEMA_SDL.replace('lastEditedAt: DateTime\n', 'lastEditedAt: DateTime!\n')
    .replace('issue(number: Int!): Issue', 'issue(number: Int!, state: String): Issue')
    .replace(
      '    includesCreatedEdit: Boolean!\n    issue: Issue!',
      '    includesCreatedEdit: Boolean!\n    editCount: Int\n    issue: Issue!',
    )
    .replace('  enum LockReason {\n', '  enum LockReason {\n    CLOSED\n');
  assert.deepEqual(departures(broken).problems.sort(), [
    'Issue.lastEditedAt: DateTime!, GitHub says DateTime',
    'IssueComment.editCount: no such field',
    'LockReason.CLOSED: no such value',
    'Repository.issue(state: String): GitHub says undefined',
  ]);
  assert.equal(
    validateAgainstGitHub('{ repository(owner: "a", name: "b") { editCount } }').length,
    1,
  );
});

test('the edit record: never edited, edited within its creation second, edited later', async () => {
  const gh = ctx.stack.github;
  const operator = client(gh.tokenFor(owner));
  const alice = client(gh.tokenFor('alice'));
  const issue = await operator.rest.issues.create({ owner, repo, title: 'box' });
  const number = issue.data.number;
  gh.setClock('2026-05-06T07:08:09.100Z');
  try {
    const plain = await alice.rest.issues.createComment({
      owner,
      repo,
      issue_number: number,
      body: 'a',
    });
    const swapped = await alice.rest.issues.createComment({
      owner,
      repo,
      issue_number: number,
      body: 'b',
    });
    const later = await alice.rest.issues.createComment({
      owner,
      repo,
      issue_number: number,
      body: 'c',
    });
    // The operator (owner, admin) swaps alice's body twice within the same second.
    gh.setClock('2026-05-06T07:08:09.600Z');
    await operator.rest.issues.updateComment({
      owner,
      repo,
      comment_id: swapped.data.id,
      body: 'B',
    });
    await operator.rest.issues.updateComment({
      owner,
      repo,
      comment_id: swapped.data.id,
      body: 'BB',
    });
    gh.advanceClock(60);
    await alice.rest.issues.updateComment({ owner, repo, comment_id: later.data.id, body: 'C' });
    const rest = (await alice.rest.issues.getComment({ owner, repo, comment_id: swapped.data.id }))
      .data;
    assert.equal(rest.updated_at, rest.created_at, 'REST shows nothing');

    const records = await commentEditRecords(client(gh.tokenFor('reader')), REPO, number);
    assert.deepEqual(records.get(plain.data.id), { lastEditedAt: null, edits: 0 });
    assert.deepEqual(records.get(swapped.data.id), {
      lastEditedAt: '2026-05-06T07:08:09Z',
      edits: 2,
    });
    assert.deepEqual(records.get(later.data.id), {
      lastEditedAt: '2026-05-06T07:09:09Z',
      edits: 1,
    });

    // The raw history: the creation kept once edited, newest first, with the editor.
    const raw = await post({
      query: `query($id: ID!) { node(id: $id) { ... on IssueComment {
        databaseId includesCreatedEdit lastEditedAt editor { login }
        userContentEdits(first: 10) { totalCount nodes { editedAt editor { login } } } } } }`,
      variables: { id: swapped.data.node_id },
    });
    assert.equal(raw.status, 200);
    assert.deepEqual(raw.json, {
      data: {
        node: {
          databaseId: swapped.data.id,
          includesCreatedEdit: true,
          lastEditedAt: '2026-05-06T07:08:09Z',
          editor: { login: owner },
          userContentEdits: {
            totalCount: 3,
            nodes: [
              { editedAt: '2026-05-06T07:08:09Z', editor: { login: owner } },
              { editedAt: '2026-05-06T07:08:09Z', editor: { login: owner } },
              { editedAt: '2026-05-06T07:08:09Z', editor: { login: 'alice' } },
            ],
          },
        },
      },
    });
    // The issue body's own record (the box's status updates edit it).
    await operator.rest.issues.update({ owner, repo, issue_number: number, body: 'status: 3' });
    const issueRecord = await post({
      query: `{ repository(owner: "${owner}", name: "${repo}") { issue(number: ${number}) {
        id includesCreatedEdit lastEditedAt locked activeLockReason author { login } } } }`,
    });
    const got = (issueRecord.json.data as { repository: { issue: Record<string, unknown> } })
      .repository.issue;
    assert.equal(got.id, issue.data.node_id, "the issue's id is REST's node_id");
    assert.equal(got.includesCreatedEdit, true);
    assert.equal(got.lastEditedAt, '2026-05-06T07:09:09Z');
    assert.equal(got.locked, false);
    gh.setLock(REPO, number, 'too heated');
    const locked = await post({
      query: `{ repository(owner: "${owner}", name: "${repo}") { issue(number: ${number}) { locked activeLockReason } } }`,
    });
    assert.deepEqual(locked.json, {
      data: { repository: { issue: { locked: true, activeLockReason: 'TOO_HEATED' } } },
    });
  } finally {
    gh.setClock();
  }
});

test('all pages: 250 comments, ids and node ids as in REST', async () => {
  const gh = ctx.stack.github;
  const operator = client(gh.tokenFor(owner));
  const issue = await operator.rest.issues.create({ owner, repo, title: 'many' });
  gh.seedComments(
    REPO,
    issue.data.number,
    gh.user('crowd'),
    Array.from({ length: 250 }, (_, i) => `c${i}`),
  );
  const before = gh.graphqlDocuments.size;
  const listed = await operator.paginate(operator.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issue.data.number,
    per_page: 100,
  });
  const records = await commentEditRecords(operator, REPO, issue.data.number);
  assert.deepEqual(
    [...records.keys()],
    listed.map((c) => c.id),
  );
  const pages = gh.log.filter((r) => r.path === '/graphql').length;
  assert.ok(pages >= 3, `three pages at least (${pages} GraphQL requests so far)`);
  assert.ok(gh.graphqlDocuments.size >= before);
  const ids = await post({
    query: `{ repository(owner: "${owner}", name: "${repo}") { issue(number: ${issue.data.number}) {
      comments(last: 2) { totalCount pageInfo { hasNextPage hasPreviousPage } nodes { id databaseId fullDatabaseId } } } } }`,
  });
  const comments = (
    ids.json.data as { repository: { issue: { comments: Record<string, unknown> } } }
  ).repository.issue.comments;
  assert.equal(comments.totalCount, 250);
  assert.deepEqual(comments.pageInfo, { hasNextPage: false, hasPreviousPage: true });
  assert.deepEqual(
    comments.nodes,
    listed
      .slice(-2)
      .map((c) => ({ id: c.node_id, databaseId: c.id, fullDatabaseId: String(c.id) })),
  );
});

test('every query a client sent validates against GitHub’s schema', () => {
  const documents = [...ctx.stack.github.graphqlDocuments];
  assert.ok(documents.includes(COMMENT_EDITS_QUERY), 'the edit-record query was among them');
  for (const document of documents)
    assert.deepEqual(
      validateAgainstGitHub(document).map((e) => e.message),
      [],
      document,
    );
});

test('errors as GitHub shapes them', async () => {
  const gh = ctx.stack.github;
  const unknownField = await post({ query: '{ repository(owner: "a", name: "b") { editCount } }' });
  assert.equal(unknownField.status, 200);
  assert.deepEqual(unknownField.json, {
    errors: [
      {
        extensions: { code: 'undefinedField', typeName: 'Repository', fieldName: 'editCount' },
        locations: [{ line: 1, column: 39 }],
        message: "Field 'editCount' doesn't exist on type 'Repository'",
      },
    ],
  });
  const missingQuery = '{ repository(owner: "demo", name: "edits") { issue(number: 999) { id } } }';
  const missing = await post({ query: missingQuery });
  assert.deepEqual(missing.json, {
    data: { repository: { issue: null } },
    errors: [
      {
        type: 'NOT_FOUND',
        path: ['repository', 'issue'],
        locations: [{ line: 1, column: missingQuery.indexOf('issue(') + 1 }],
        message: 'Could not resolve to an Issue with the number of 999.',
      },
    ],
  });
  const commentsQuery = (args: string) =>
    `{ repository(owner: "demo", name: "edits") { issue(number: 1) { comments${args} { totalCount } } } }`;
  const comments = (args: string) =>
    post({ query: commentsQuery(args) }).then(
      (r) => (r.json.errors as { type: string; message: string }[])[0]!,
    );
  assert.deepEqual(await comments('(first: 101)'), {
    type: 'EXCESSIVE_PAGINATION',
    path: ['repository', 'issue', 'comments'],
    locations: [{ line: 1, column: commentsQuery('').indexOf('comments') + 1 }],
    message:
      'Requesting 101 records on the `comments` connection exceeds the `first` limit of 100 records.',
  });
  assert.equal((await comments('')).type, 'MISSING_PAGINATION_BOUNDARIES');
  assert.equal((await comments('(first: 1, after: "bm9wZQ==")')).type, 'INVALID_CURSOR_ARGUMENTS');
  const syntax = await post({ query: '{ repository(' });
  assert.equal(syntax.status, 200);
  assert.match((syntax.json.errors as { message: string }[])[0]!.message, /Syntax Error/);
  assert.equal((await post({ variables: {} })).json.errors !== undefined, true);
  const notJson = await post('{');
  assert.equal(notJson.status, 400);
  const anonymous = await fetch(`${ctx.stack.githubApiUrl}/graphql`, {
    method: 'POST',
    body: JSON.stringify({ query: '{ node(id: "I_1") { id } }' }),
  });
  assert.equal(anonymous.status, 401);
  assert.match(
    ((await anonymous.json()) as { message: string }).message,
    /requires you to be authenticated/,
  );

  // The adapter: each failure is one SERVICE error naming the issue.
  await assert.rejects(
    commentEditRecords(client(gh.tokenFor('reader')), REPO, 999),
    (e: unknown) => {
      assert.ok(e instanceof SealboxError);
      assert.equal(e.code, 'SERVICE');
      assert.match(
        e.message,
        /demo\/edits#999: reading the comments' edit record: .*Could not resolve/,
      );
      return true;
    },
  );
  gh.faults.push({ status: 502, pathIncludes: '/graphql' });
  await assert.rejects(commentEditRecords(client(gh.tokenFor('reader')), REPO, 1), {
    code: 'SERVICE',
  });
  await assert.rejects(commentEditRecords(client(), REPO, 1), { code: 'SERVICE' });
  const odd = { graphql: async () => ({ repository: { issue: { comments: { nodes: 'x' } } } }) };
  await assert.rejects(commentEditRecords(odd as never, REPO, 1), /unexpected shape/);
  const endless = {
    graphql: async () => ({
      repository: {
        issue: {
          comments: { pageInfo: { hasNextPage: true, endCursor: 'same' }, nodes: [] },
        },
      },
    }),
  };
  await assert.rejects(commentEditRecords(endless as never, REPO, 1), /without a new cursor/);
});
