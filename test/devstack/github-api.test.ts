// The local GitHub-compatible API, exercised with Octokit (GitHub's official
// client) and checked against GitHub's OpenAPI description.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { RequestError } from '@octokit/request-error';
import { assertDocumentedResponse } from '../helpers/openapi.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const owner = 'demo';
const repo = 'sealbox';
let octokit: Octokit;
let bob: Octokit;

const client = (token: string) =>
  new Octokit({ auth: token, baseUrl: ctx.stack.githubApiUrl, request: { retries: 0 } });

async function statusOf(p: Promise<unknown>): Promise<RequestError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RequestError) return e;
    throw e;
  }
  throw new Error('expected a request error');
}

test('users: GET /user for the token, GET /users/{login}, numeric ids', async () => {
  octokit = client(ctx.stack.github.tokenFor('alice', 7001));
  bob = client(ctx.stack.github.tokenFor('bob', 7002));
  const me = await octokit.rest.users.getAuthenticated();
  assert.equal(me.data.login, 'alice');
  assert.equal(me.data.id, 7001);
  assertDocumentedResponse('GET', '/user', 200, me.data);
  const other = await octokit.rest.users.getByUsername({ username: 'bob' });
  assert.equal(other.data.id, 7002);
  assertDocumentedResponse('GET', '/users/{username}', 200, other.data);
  assert.equal((await statusOf(client('ghs_nope').rest.users.getAuthenticated())).status, 401);
});

let issueNumber: number;

test('issues: create, get, update, list by label; shapes as documented', async () => {
  // Labels on a new issue need push access (test/devstack/permissions.test.ts).
  ctx.stack.github.setRole(`${owner}/${repo}`, 'alice', 'write');
  const created = await octokit.rest.issues.create({
    owner,
    repo,
    title: 'box',
    body: 'manifest',
    labels: ['sealbox'],
  });
  assert.equal(created.status, 201);
  assertDocumentedResponse('POST', '/repos/{owner}/{repo}/issues', 201, created.data);
  issueNumber = created.data.number;
  await octokit.rest.issues.create({ owner, repo, title: 'other' });
  const got = await octokit.rest.issues.get({ owner, repo, issue_number: issueNumber });
  assertDocumentedResponse('GET', '/repos/{owner}/{repo}/issues/{issue_number}', 200, got.data);
  const listed = await octokit.rest.issues.listForRepo({ owner, repo, labels: 'sealbox' });
  assertDocumentedResponse('GET', '/repos/{owner}/{repo}/issues', 200, listed.data);
  assert.deepEqual(
    listed.data.map((i) => i.number),
    [issueNumber],
  );
  const closed = await octokit.rest.issues.update({
    owner,
    repo,
    issue_number: issueNumber + 1,
    state: 'closed',
  });
  assertDocumentedResponse(
    'PATCH',
    '/repos/{owner}/{repo}/issues/{issue_number}',
    200,
    closed.data,
  );
  assert.equal(closed.data.state, 'closed');
  assert.ok(closed.data.closed_at);
});

test('comments: create, get, update, delete; created_at/updated_at from the server clock', async () => {
  const at = new Date('2026-01-02T03:04:05Z');
  ctx.stack.github.now = () => at;
  try {
    const c = await bob.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body: 'hello',
    });
    assertDocumentedResponse(
      'POST',
      '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      201,
      c.data,
    );
    assert.equal(c.data.created_at, '2026-01-02T03:04:05Z');
    assert.equal(c.data.user?.id, 7002);
    ctx.stack.github.now = () => new Date(at.getTime() + 5000);
    const u = await bob.rest.issues.updateComment({
      owner,
      repo,
      comment_id: c.data.id,
      body: 'edited',
    });
    assertDocumentedResponse(
      'PATCH',
      '/repos/{owner}/{repo}/issues/comments/{comment_id}',
      200,
      u.data,
    );
    assert.notEqual(u.data.updated_at, u.data.created_at);
    const g = await bob.rest.issues.getComment({ owner, repo, comment_id: c.data.id });
    assertDocumentedResponse(
      'GET',
      '/repos/{owner}/{repo}/issues/comments/{comment_id}',
      200,
      g.data,
    );
    const d = await bob.rest.issues.deleteComment({ owner, repo, comment_id: c.data.id });
    assert.equal(d.status, 204);
    assert.equal(
      (await statusOf(bob.rest.issues.getComment({ owner, repo, comment_id: c.data.id }))).status,
      404,
    );
    const tooLong = await statusOf(
      bob.rest.issues.createComment({
        owner,
        repo,
        issue_number: issueNumber,
        body: 'x'.repeat(65537),
      }),
    );
    assert.equal(tooLong.status, 422);
  } finally {
    ctx.stack.github.now = () => new Date();
  }
});

test('pagination over 10,000 comments: every comment once, in order, with Link headers', async () => {
  const flood = await octokit.rest.issues.create({ owner, repo, title: 'flood' });
  const bodies = Array.from({ length: 10_000 }, (_, i) => `comment ${i}`);
  ctx.stack.github.seedComments(
    `${owner}/${repo}`,
    flood.data.number,
    ctx.stack.github.user('bob'),
    bodies,
  );
  const first = await octokit.rest.issues.listComments({
    owner,
    repo,
    issue_number: flood.data.number,
    per_page: 100,
  });
  assertDocumentedResponse(
    'GET',
    '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    200,
    first.data,
  );
  assert.match(first.headers.link ?? '', /page=2>; rel="next"/);
  assert.match(first.headers.link ?? '', /page=100>; rel="last"/);
  const all = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: flood.data.number,
    per_page: 100,
  });
  assert.equal(all.length, 10_000);
  assert.deepEqual(
    all.map((c) => c.body),
    bodies,
  );
  assert.equal(new Set(all.map((c) => c.id)).size, 10_000);
  // per_page is capped at 100 as GitHub caps it.
  const capped = await octokit.rest.issues.listComments({
    owner,
    repo,
    issue_number: flood.data.number,
    per_page: 500,
  });
  assert.equal(capped.data.length, 100);
});

test('since: only comments updated at or after the time', async () => {
  const issue = await octokit.rest.issues.create({ owner, repo, title: 'since' });
  const t0 = new Date('2026-03-01T00:00:00Z');
  ctx.stack.github.now = () => t0;
  try {
    const a = await bob.rest.issues.createComment({
      owner,
      repo,
      issue_number: issue.data.number,
      body: 'a',
    });
    await bob.rest.issues.createComment({
      owner,
      repo,
      issue_number: issue.data.number,
      body: 'b',
    });
    ctx.stack.github.now = () => new Date(t0.getTime() + 60_000);
    await bob.rest.issues.updateComment({ owner, repo, comment_id: a.data.id, body: 'a2' });
    const c = await bob.rest.issues.createComment({
      owner,
      repo,
      issue_number: issue.data.number,
      body: 'c',
    });
    const since = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: issue.data.number,
      since: new Date(t0.getTime() + 1000).toISOString(),
    });
    assert.deepEqual(
      since.data.map((x) => x.body),
      ['a2', 'c'],
    );
    assert.equal(since.data[1]!.id, c.data.id);
  } finally {
    ctx.stack.github.now = () => new Date();
  }
});

test('ETag and If-None-Match: 304, which does not count against the rate limit', async () => {
  const first = await octokit.rest.issues.listComments({ owner, repo, issue_number: issueNumber });
  const etag = first.headers.etag!;
  assert.ok(etag);
  const remaining = Number(first.headers['x-ratelimit-remaining']);
  const again = await statusOf(
    octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: issueNumber,
      headers: { 'if-none-match': etag },
    }),
  );
  assert.equal(again.status, 304);
  assert.equal(Number(again.response?.headers['x-ratelimit-remaining']), remaining);
  await bob.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body: 'new' });
  const changed = await octokit.rest.issues.listComments({
    owner,
    repo,
    issue_number: issueNumber,
    headers: { 'if-none-match': etag },
  });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.etag, etag);
});

test('faults on demand: 429 with Retry-After, secondary limit, 5xx, dropped connections, exhausted limit and reset', async () => {
  const gh = ctx.stack.github;
  gh.faults.push({ status: 429, retryAfter: 3 });
  const tooMany = await statusOf(octokit.rest.users.getAuthenticated());
  assert.equal(tooMany.status, 429);
  assert.equal(tooMany.response?.headers['retry-after'], '3');
  gh.faults.push({ status: 403, secondary: true, retryAfter: 60 });
  const secondary = await statusOf(octokit.rest.users.getAuthenticated());
  assert.equal(secondary.status, 403);
  assert.match(secondary.message, /secondary rate limit/);
  for (const status of [500, 502, 503] as const) {
    gh.faults.push({ status, pathIncludes: '/comments' });
    assert.equal(
      (await statusOf(octokit.rest.issues.listComments({ owner, repo, issue_number: issueNumber })))
        .status,
      status,
    );
  }
  gh.faults.push({ status: 500, drop: true });
  await assert.rejects(octokit.rest.users.getAuthenticated());
  const now = Date.now();
  gh.now = () => new Date(now);
  try {
    gh.setRateLimit(0, 30);
    const limited = await statusOf(octokit.rest.users.getAuthenticated());
    assert.equal(limited.status, 403);
    assert.equal(limited.response?.headers['x-ratelimit-remaining'], '0');
    assert.equal(
      Number(limited.response?.headers['x-ratelimit-reset']),
      Math.floor(now / 1000) + 30,
    );
    gh.now = () => new Date(now + 31_000);
    const after = await octokit.rest.users.getAuthenticated();
    assert.equal(after.status, 200);
    assert.equal(after.headers['x-ratelimit-remaining'], '4999');
  } finally {
    gh.now = () => new Date();
  }
});

test('attestations: store a bundle, find it by digest inline or through a snappy bundle_url', async () => {
  const digest = 'a'.repeat(64);
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'x', digest: { sha256: digest } }],
    predicateType: 'p',
    predicate: {},
  };
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {},
    dsseEnvelope: {
      payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [],
    },
  };
  const stored = await octokit.request('POST /repos/{owner}/{repo}/attestations', {
    owner,
    repo,
    bundle,
  });
  assert.equal(stored.status, 201);
  assertDocumentedResponse('POST', '/repos/{owner}/{repo}/attestations', 201, stored.data);
  const found = await octokit.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
    owner,
    repo,
    subject_digest: `sha256:${digest}`,
  });
  assertDocumentedResponse(
    'GET',
    '/repos/{owner}/{repo}/attestations/{subject_digest}',
    200,
    found.data,
  );
  assert.deepEqual(found.data.attestations?.[0]?.bundle, bundle);
  ctx.stack.github.attestationBundleUrls = true;
  try {
    const viaUrl = await octokit.request(
      'GET /repos/{owner}/{repo}/attestations/{subject_digest}',
      { owner, repo, subject_digest: `sha256:${digest}` },
    );
    assertDocumentedResponse(
      'GET',
      '/repos/{owner}/{repo}/attestations/{subject_digest}',
      200,
      viaUrl.data,
    );
    const url = viaUrl.data.attestations?.[0]?.bundle_url;
    assert.ok(url);
    const { uncompress } = await import('snappyjs');
    const raw = new Uint8Array(await (await fetch(url)).arrayBuffer());
    assert.deepEqual(JSON.parse(new TextDecoder().decode(uncompress(raw))), bundle);
  } finally {
    ctx.stack.github.attestationBundleUrls = false;
  }
  const none = await octokit.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
    owner,
    repo,
    subject_digest: `sha256:${'b'.repeat(64)}`,
  });
  assert.deepEqual(none.data.attestations, []);
});

test('workflow dispatch and runs', async () => {
  const seen: string[] = [];
  ctx.stack.github.onDispatch = (run) =>
    seen.push(`${run.workflow}@${run.ref}:${run.inputs.window_minutes}`);
  const d = await octokit.rest.actions.createWorkflowDispatch({
    owner,
    repo,
    workflow_id: 'box.yml',
    ref: 'main',
    inputs: { window_minutes: '5' },
  });
  assert.equal(d.status, 204);
  assert.deepEqual(seen, ['box.yml@main:5']);
  const runs = await octokit.rest.actions.listWorkflowRunsForRepo({ owner, repo });
  assertDocumentedResponse('GET', '/repos/{owner}/{repo}/actions/runs', 200, runs.data);
  assert.equal(runs.data.total_count, 1);
  const run = await octokit.rest.actions.getWorkflowRun({
    owner,
    repo,
    run_id: runs.data.workflow_runs[0]!.id,
  });
  assertDocumentedResponse('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}', 200, run.data);
  assert.equal(run.data.status, 'queued');
});
