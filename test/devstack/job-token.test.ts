// A job's GITHUB_TOKEN on the local API acts as GitHub's does: as
// github-actions[bot] (type Bot, id 41898282), writing to its own
// repository's issues, reading others, and refused where an installation
// token is refused (GET /user, a user's SSH signing keys).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { RequestError } from '@octokit/request-error';
import { DEFAULT_RUN } from '../../src/devstack/identity.ts';
import { assertDocumentedResponse } from '../helpers/openapi.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

const client = (token: string) =>
  new Octokit({ auth: token, baseUrl: ctx.stack.githubApiUrl, request: { retries: 0 } });

async function refusal(p: Promise<unknown>): Promise<RequestError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RequestError) return e;
    throw e;
  }
  throw new Error('expected a request error');
}

test("the job's environment carries a token that acts as github-actions[bot]", async () => {
  const env = ctx.stack.env();
  const job = client(env.GITHUB_TOKEN!);
  const [owner, repo] = DEFAULT_RUN.repository.split('/') as [string, string];
  const issue = await job.rest.issues.create({ owner, repo, title: 'box', labels: ['sealbox'] });
  assertDocumentedResponse('POST', '/repos/{owner}/{repo}/issues', 201, issue.data);
  assert.equal(issue.data.user?.login, 'github-actions[bot]');
  assert.equal(issue.data.user?.id, 41898282);
  assert.equal(issue.data.user?.type, 'Bot');
  assert.equal(issue.data.labels.length, 1, 'write access to its own repository');
  const comment = await job.rest.issues.createComment({
    owner,
    repo,
    issue_number: issue.data.number,
    body: 'result',
  });
  assert.equal(comment.data.user?.login, 'github-actions[bot]');

  const me = await refusal(job.rest.users.getAuthenticated());
  assert.equal(me.status, 403);
  assert.equal(
    (me.response?.data as { message: string }).message,
    'Resource not accessible by integration',
  );
  assertDocumentedResponse('GET', '/user', 403, me.response!.data);
  const keys = await refusal(job.rest.users.createSshSigningKeyForAuthenticatedUser({ key: 'x' }));
  assert.equal(keys.status, 403);

  // Public data elsewhere reads; writing elsewhere is refused.
  const elsewhere = await client(ctx.stack.github.tokenFor('alice')).rest.issues.create({
    owner: 'alice',
    repo: 'notes',
    title: 'mine',
  });
  await job.rest.issues.get({ owner: 'alice', repo: 'notes', issue_number: elsewhere.data.number });
  const write = await refusal(
    job.rest.issues.createComment({
      owner: 'alice',
      repo: 'notes',
      issue_number: elsewhere.data.number,
      body: 'spam',
    }),
  );
  assert.equal(write.status, 403);
  assert.equal(
    (write.response?.data as { message: string }).message,
    'Resource not accessible by integration',
  );

  const bot = await job.rest.users.getByUsername({ username: 'github-actions[bot]' });
  assert.equal(bot.data.type, 'Bot');
});

test('a user token is no job token: GET /user answers, and the bot has no user token', async () => {
  const alice = client(ctx.stack.github.tokenFor('alice'));
  assert.equal((await alice.rest.users.getAuthenticated()).data.login, 'alice');
  assert.throws(() => ctx.stack.github.tokenFor('github-actions[bot]'), /jobToken\(repository\)/);
});
