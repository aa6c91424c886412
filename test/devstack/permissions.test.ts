// GitHub's permission model in the local API, where sealbox relies on it:
// who may edit or delete whose comments, who may edit an issue, labels,
// locks and what a lock forbids, repository roles; answers as GitHub gives
// them (checked against its OpenAPI description where it documents them).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { RequestError } from '@octokit/request-error';
import { assertDocumentedResponse } from '../helpers/openapi.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const owner = 'acme';
const repo = 'votes';
const REPO = `${owner}/${repo}`;

const client = (token: string) =>
  new Octokit({ auth: token, baseUrl: ctx.stack.githubApiUrl, request: { retries: 0 } });
const as = (login: string) => client(ctx.stack.github.tokenFor(login));

async function refusal(p: Promise<unknown>): Promise<RequestError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RequestError) return e;
    throw e;
  }
  throw new Error('expected a request error');
}

const messageOf = (e: RequestError) => (e.response?.data as { message?: string }).message;

test('roles: the owner is admin, collaborators have their role, everyone else reads', async () => {
  const gh = ctx.stack.github;
  gh.setRole(REPO, 'tina', 'triage');
  gh.setRole(REPO, 'wes', 'write');
  assert.equal(gh.roleOf(REPO, 'acme'), 'admin');
  assert.equal(gh.roleOf(REPO, 'ACME'), 'admin', 'logins are case-insensitive');
  assert.equal(gh.roleOf(REPO, 'tina'), 'triage');
  assert.equal(gh.roleOf(REPO, 'stranger'), 'read');
  assert.equal(gh.roleOf('other/repo', 'wes'), 'read', 'a role is per repository');
  gh.setRole(REPO, 'gone', 'admin');
  gh.setRole(REPO, 'gone', null);
  assert.equal(gh.roleOf(REPO, 'gone'), 'read');
  assert.throws(() => gh.setRole(REPO, 'x', 'owner' as never), /unknown repository role/);

  as('wes'); // known to the API
  as('tina');
  const reader = as('stranger');
  const perm = await reader.rest.repos.getCollaboratorPermissionLevel({
    owner,
    repo,
    username: 'wes',
  });
  assertDocumentedResponse(
    'GET',
    '/repos/{owner}/{repo}/collaborators/{username}/permission',
    200,
    perm.data,
  );
  assert.equal(perm.data.permission, 'write');
  assert.equal(perm.data.role_name, 'write');
  const triage = await reader.rest.repos.getCollaboratorPermissionLevel({
    owner,
    repo,
    username: 'tina',
  });
  assert.equal(triage.data.permission, 'read', 'the legacy permission maps triage to read');
  assert.equal(triage.data.role_name, 'triage');
});

test('comments: the author and write access may edit or delete; read and triage may not', async () => {
  const gh = ctx.stack.github;
  const alice = as('alice');
  const issue = await as('acme').rest.issues.create({ owner, repo, title: 'box' });
  const n = issue.data.number;
  const posted = await alice.rest.issues.createComment({ owner, repo, issue_number: n, body: 'a' });
  assert.equal(posted.data.author_association, 'NONE');
  const id = posted.data.id;

  for (const login of ['mallory', 'tina']) {
    const edit = await refusal(
      as(login).rest.issues.updateComment({ owner, repo, comment_id: id, body: 'forged' }),
    );
    assert.equal(edit.status, 403, login);
    assert.equal(messageOf(edit), 'Must have admin rights to Repository.');
    const del = await refusal(as(login).rest.issues.deleteComment({ owner, repo, comment_id: id }));
    assert.equal(del.status, 403, login);
  }
  const unauthenticated = await refusal(
    new Octokit({ baseUrl: gh.baseUrl, request: { retries: 0 } }).rest.issues.updateComment({
      owner,
      repo,
      comment_id: id,
      body: 'x',
    }),
  );
  assert.equal(unauthenticated.status, 401);
  assert.equal(
    (await alice.rest.issues.getComment({ owner, repo, comment_id: id })).data.body,
    'a',
    'nothing changed',
  );

  const byAuthor = await alice.rest.issues.updateComment({
    owner,
    repo,
    comment_id: id,
    body: 'a2',
  });
  assert.equal(byAuthor.data.body, 'a2');
  const byWriter = await as('wes').rest.issues.updateComment({
    owner,
    repo,
    comment_id: id,
    body: 'a3 (moderated)',
  });
  assert.equal(byWriter.data.body, 'a3 (moderated)');
  // The owner (admin) deletes anyone's comment; a job's token writes to its own repository only.
  const other = await alice.rest.issues.createComment({ owner, repo, issue_number: n, body: 'b' });
  const foreignJob = client(gh.jobToken('someone/else'));
  const integration = await refusal(
    foreignJob.rest.issues.deleteComment({ owner, repo, comment_id: other.data.id }),
  );
  assert.equal(integration.status, 403);
  assert.equal(messageOf(integration), 'Resource not accessible by integration');
  const ownJob = client(gh.jobToken(REPO));
  await ownJob.rest.issues.updateComment({ owner, repo, comment_id: other.data.id, body: 'b2' });
  assert.equal(
    (await as('acme').rest.issues.deleteComment({ owner, repo, comment_id: id })).status,
    204,
  );
  await assert.rejects(alice.rest.issues.getComment({ owner, repo, comment_id: id }), {
    status: 404,
  });
});

test('issues: author, triage and up edit title, body and state; labels need push access', async () => {
  const mine = await as('alice').rest.issues.create({
    owner,
    repo,
    title: 'from alice',
    labels: ['sealbox'],
  });
  assertDocumentedResponse('POST', '/repos/{owner}/{repo}/issues', 201, mine.data);
  assert.deepEqual(mine.data.labels, [], 'labels dropped without push access, silently');
  const n = mine.data.number;
  const edited = await as('alice').rest.issues.update({
    owner,
    repo,
    issue_number: n,
    body: 'mine to edit',
    labels: ['sealbox'],
  });
  assert.equal(edited.data.body, 'mine to edit');
  assert.deepEqual(edited.data.labels, [], 'the author cannot label either');
  const denied = await refusal(
    as('mallory').rest.issues.update({ owner, repo, issue_number: n, title: 'hijacked' }),
  );
  assert.equal(denied.status, 403);
  assertDocumentedResponse(
    'PATCH',
    '/repos/{owner}/{repo}/issues/{issue_number}',
    403,
    denied.response!.data,
  );
  const triaged = await as('tina').rest.issues.update({
    owner,
    repo,
    issue_number: n,
    title: 'retitled',
    labels: ['triaged'],
    state: 'closed',
  });
  assert.equal(triaged.data.title, 'retitled');
  assert.deepEqual(
    triaged.data.labels.map((l) => (typeof l === 'string' ? l : l.name)),
    ['triaged'],
  );
  const labelled = await as('wes').rest.issues.create({
    owner,
    repo,
    title: 'box',
    labels: ['sealbox'],
  });
  assert.deepEqual(
    labelled.data.labels.map((l) => (typeof l === 'string' ? l : l.name)),
    ['sealbox'],
  );
  const job = await client(ctx.stack.github.jobToken(REPO)).rest.issues.create({
    owner,
    repo,
    title: 'the box',
    labels: ['sealbox'],
  });
  assert.equal(job.data.labels.length, 1, "a job's token has push access to its repository");
});

test('locks: write access locks with a reason; while locked only write access comments, and authors cannot edit', async () => {
  const gh = ctx.stack.github;
  const issue = await client(gh.jobToken(REPO)).rest.issues.create({ owner, repo, title: 'box' });
  const n = issue.data.number;
  const bob = as('bob');
  const early = await bob.rest.issues.createComment({ owner, repo, issue_number: n, body: 'b' });

  const byReader = await refusal(
    bob.rest.issues.lock({ owner, repo, issue_number: n, lock_reason: 'resolved' }),
  );
  assert.equal(byReader.status, 403);
  assertDocumentedResponse(
    'PUT',
    '/repos/{owner}/{repo}/issues/{issue_number}/lock',
    403,
    byReader.response!.data,
  );
  const badReason = await refusal(
    client(gh.jobToken(REPO)).rest.issues.lock({
      owner,
      repo,
      issue_number: n,
      lock_reason: 'closed' as never,
    }),
  );
  assert.equal(badReason.status, 422);

  const before = (await bob.rest.issues.get({ owner, repo, issue_number: n })).data;
  assert.equal(before.locked, false);
  gh.advanceClock(5);
  try {
    const locked = await client(gh.jobToken(REPO)).rest.issues.lock({
      owner,
      repo,
      issue_number: n,
      lock_reason: 'resolved',
    });
    assert.equal(locked.status, 204);
  } finally {
    gh.setClock();
  }
  const after = (await bob.rest.issues.get({ owner, repo, issue_number: n })).data;
  assertDocumentedResponse('GET', '/repos/{owner}/{repo}/issues/{issue_number}', 200, after);
  assert.equal(after.locked, true);
  assert.equal(after.active_lock_reason, 'resolved');
  assert.notEqual(after.updated_at, before.updated_at, 'locking updates the issue');
  assert.deepEqual(gh.lockState(REPO, n), { locked: true, reason: 'resolved' });

  const comment = await refusal(
    bob.rest.issues.createComment({ owner, repo, issue_number: n, body: 'late' }),
  );
  assert.equal(comment.status, 403);
  assert.equal(messageOf(comment), 'Unable to create comment because issue is locked.');
  assertDocumentedResponse(
    'POST',
    '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    403,
    comment.response!.data,
  );
  const edit = await refusal(
    bob.rest.issues.updateComment({ owner, repo, comment_id: early.data.id, body: 'changed' }),
  );
  assert.equal(edit.status, 403, 'an author cannot edit on a locked issue');
  const del = await refusal(
    bob.rest.issues.deleteComment({ owner, repo, comment_id: early.data.id }),
  );
  assert.equal(del.status, 403, 'nor delete');
  const writer = await as('wes').rest.issues.createComment({
    owner,
    repo,
    issue_number: n,
    body: 'a maintainer may still comment',
  });
  assert.equal(writer.status, 201);
  assert.equal(writer.data.author_association, 'COLLABORATOR');

  const unlockByReader = await refusal(bob.rest.issues.unlock({ owner, repo, issue_number: n }));
  assert.equal(unlockByReader.status, 403);
  assert.equal((await as('acme').rest.issues.unlock({ owner, repo, issue_number: n })).status, 204);
  const reopened = (await bob.rest.issues.get({ owner, repo, issue_number: n })).data;
  assert.equal(reopened.locked, false);
  assert.equal(reopened.active_lock_reason, null);
  assert.equal(
    (await bob.rest.issues.createComment({ owner, repo, issue_number: n, body: 'again' })).status,
    201,
  );
  // The library's switch, as an operator with write access would.
  gh.setLock(REPO, n, null);
  assert.deepEqual(gh.lockState(REPO, n), { locked: true, reason: null });
  gh.setLock(REPO, n, false);
  assert.equal(gh.lockState(REPO, n).locked, false);
});

test('edits move updated_at; an edit within the creation second leaves it equal to created_at', async () => {
  const gh = ctx.stack.github;
  const carol = as('carol');
  const issue = await as('acme').rest.issues.create({ owner, repo, title: 'box' });
  gh.setClock('2026-03-04T05:06:07.100Z');
  try {
    const c = await carol.rest.issues.createComment({
      owner,
      repo,
      issue_number: issue.data.number,
      body: 'first',
    });
    gh.setClock('2026-03-04T05:06:07.900Z');
    const same = await as('acme').rest.issues.updateComment({
      owner,
      repo,
      comment_id: c.data.id,
      body: 'swapped',
    });
    assert.equal(same.data.updated_at, same.data.created_at, 'whole seconds hide it in REST');
    gh.advanceClock(3);
    const later = await carol.rest.issues.updateComment({
      owner,
      repo,
      comment_id: c.data.id,
      body: 'third',
    });
    assert.equal(later.data.updated_at, '2026-03-04T05:06:10Z');
    const unchanged = await carol.rest.issues.updateComment({
      owner,
      repo,
      comment_id: c.data.id,
      body: 'third',
    });
    assert.equal(unchanged.data.updated_at, '2026-03-04T05:06:10Z', 'the same body is no edit');
  } finally {
    gh.setClock();
  }
});
