// The worked example of docs/devstack.md, through the library API (the
// package's `sealbox/devstack` export, from its source here; the package
// test imports it from the packed tarball), the CLI and GitHub's API only: an operator
// replaces a participant's submission within its creation second; REST
// cannot tell, GitHub's edit record can; a lock then freezes the comment.
// And every call of the library, once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { RequestError } from '@octokit/request-error';
import {
  releasedBoxRun,
  addGitHubFault,
  advanceGitHubClock,
  betweenPages,
  gitHubNow,
  issueLock,
  jobToken,
  repositoryRole,
  setGitHubClock,
  setIssueLock,
  setRepositoryRole,
  setSshSigningKeys,
  sigstoreFaults,
  startStack,
  stopStack,
  userId,
  userTokens,
  type DevStack,
} from '../../src/devstack/index.ts';
import { REPO_ROOT, sealbox } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'sealbox-lab-'));
let stack: DevStack;
before(async () => {
  stack = await startStack({ stateDir: join(dir, 'state') });
});
after(async () => {
  await stopStack(stack);
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

test('an operator edits a comment within its creation second: REST is blind, the edit record is not', async () => {
  const [acme, alice] = userTokens(stack, ['acme', 'alice']);
  const api = stack.githubApiUrl;
  const run = releasedBoxRun(stack, {
    repository: 'acme/auction',
    runId: 6161,
  });
  const host = spawn(
    process.execPath,
    [
      `${REPO_ROOT}bin/sealbox.js`,
      'box',
      'host',
      '--computation',
      'reveal',
      '--window',
      '30',
      '--suite',
      'x25519',
      '--out',
      join(dir, 'box'),
    ],
    { env: { ...process.env, ...stack.env(run) }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let hostLog = '';
  host.stderr.on('data', (d) => (hostLog += d));
  const hostDone = new Promise((resolve) => host.on('close', resolve));
  try {
    const octokit = new Octokit({ auth: acme!.token, baseUrl: api, request: { retries: 0 } });
    const issue = await waitFor(`the box issue (${hostLog})`, async () => {
      const list = await octokit.rest.issues.listForRepo({
        owner: 'acme',
        repo: 'auction',
        labels: 'sealbox',
      });
      return list.data.find((i) => i.body?.includes('opens_at:'));
    });
    assert.equal(issue.user?.login, 'github-actions[bot]');
    const opensAt = Date.parse(/^opens_at: (\S+)$/m.exec(issue.body!)![1]!);
    await new Promise((r) => setTimeout(r, Math.max(0, opensAt - Date.now()) + 200));
    const box = `acme/auction#${issue.number}`;
    const submit = [
      'box',
      'submit',
      box,
      '--repo',
      'acme/auction',
      '--trusted-root',
      stack.trustedRootPath,
    ];

    setGitHubClock(stack, new Date());
    const second = gitHubNow(stack)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    writeFileSync(join(dir, 'alice.txt'), '120');
    const honest = await sealbox(
      [...submit, '--file', join(dir, 'alice.txt'), '--receipt-out', join(dir, 'alice.json')],
      { GITHUB_TOKEN: alice!.token, GITHUB_API_URL: api },
      { cwd: dir },
    );
    assert.equal(honest.status, 0, honest.stderr);
    writeFileSync(join(dir, 'acme.txt'), '1');
    const forged = await sealbox(
      [...submit, '--file', join(dir, 'acme.txt'), '--print', '--author-id', String(alice!.id)],
      { GITHUB_TOKEN: '', GITHUB_API_URL: api },
      { cwd: dir },
    );
    assert.equal(forged.status, 0, forged.stderr);
    const [comment] = (
      await octokit.rest.issues.listComments({
        owner: 'acme',
        repo: 'auction',
        issue_number: issue.number,
      })
    ).data;
    assert.equal(comment!.user?.login, 'alice');
    await octokit.rest.issues.updateComment({
      owner: 'acme',
      repo: 'auction',
      comment_id: comment!.id,
      body: forged.stdout.trim(),
    });
    setGitHubClock(stack);

    const rest = (
      await octokit.rest.issues.getComment({
        owner: 'acme',
        repo: 'auction',
        comment_id: comment!.id,
      })
    ).data;
    assert.equal(rest.created_at, second);
    assert.equal(rest.updated_at, rest.created_at, 'REST is blind to it');
    assert.equal(rest.body, forged.stdout.trim());
    const record = await octokit.graphql<{ node: Record<string, unknown> }>(
      `query($id: ID!) { node(id: $id) { ... on IssueComment {
        lastEditedAt includesCreatedEdit editor { login } userContentEdits(first: 5) { totalCount } } } }`,
      { id: rest.node_id },
    );
    assert.deepEqual(record.node, {
      lastEditedAt: second,
      includesCreatedEdit: true,
      editor: { login: 'acme' },
      userContentEdits: { totalCount: 2 },
    });

    setIssueLock(stack, 'acme/auction', issue.number, 'resolved');
    const asAlice = new Octokit({ auth: alice!.token, baseUrl: api, request: { retries: 0 } });
    await assert.rejects(
      asAlice.rest.issues.updateComment({
        owner: 'acme',
        repo: 'auction',
        comment_id: comment!.id,
        body: 'mine again',
      }),
      (e: unknown) => e instanceof RequestError && e.status === 403,
    );
    await octokit.rest.issues.updateComment({
      owner: 'acme',
      repo: 'auction',
      comment_id: comment!.id,
      body: forged.stdout.trim() + '\n',
    });
    setIssueLock(stack, 'acme/auction', issue.number, false);
  } finally {
    host.kill('SIGTERM');
    await hostDone;
  }
});

test('the rest of the library: ids, job tokens, roles, locks, keys, clock, faults, hooks', async () => {
  const [bob] = userTokens(stack, ['bob']);
  assert.equal(userId(stack, 'bob'), bob!.id);
  const api = stack.githubApiUrl;
  const job = new Octokit({
    auth: jobToken(stack, 'acme/lab'),
    baseUrl: api,
    request: { retries: 0 },
  });
  const issue = (await job.rest.issues.create({ owner: 'acme', repo: 'lab', title: 't' })).data;
  assert.equal(issue.user?.id, 41898282);

  assert.equal(repositoryRole(stack, 'acme/lab', 'bob'), 'read');
  setRepositoryRole(stack, 'acme/lab', 'bob', 'maintain');
  assert.equal(repositoryRole(stack, 'acme/lab', 'bob'), 'maintain');
  assert.deepEqual(issueLock(stack, 'acme/lab', issue.number), { locked: false, reason: null });
  setIssueLock(stack, 'acme/lab', issue.number, 'spam');
  assert.deepEqual(issueLock(stack, 'acme/lab', issue.number), { locked: true, reason: 'spam' });
  const asBob = new Octokit({ auth: bob!.token, baseUrl: api, request: { retries: 0 } });
  await asBob.rest.issues.createComment({
    owner: 'acme',
    repo: 'lab',
    issue_number: issue.number,
    body: 'maintainers comment on locked issues',
  });

  const [key] = setSshSigningKeys(stack, 'bob', [
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bob@laptop',
  ]);
  const listed = await asBob.rest.users.listSshSigningKeysForUser({ username: 'bob' });
  assert.deepEqual(listed.data, [key]);

  setGitHubClock(stack, '2030-01-01T00:00:00Z');
  advanceGitHubClock(stack, 90);
  assert.equal(gitHubNow(stack).toISOString(), '2030-01-01T00:01:30.000Z');
  const late = await asBob.rest.issues.createComment({
    owner: 'acme',
    repo: 'lab',
    issue_number: issue.number,
    body: 'x',
  });
  assert.equal(late.data.created_at, '2030-01-01T00:01:30Z');
  setGitHubClock(stack);

  addGitHubFault(stack, { status: 503, pathIncludes: '/repos/acme/lab/issues' });
  await assert.rejects(asBob.rest.issues.get({ owner: 'acme', repo: 'lab', issue_number: 1 }), {
    status: 503,
  });
  let pages = 0;
  betweenPages(stack, { repository: 'acme/lab', page: 1, act: () => void pages++ });
  await asBob.rest.issues.listComments({ owner: 'acme', repo: 'lab', issue_number: issue.number });
  assert.equal(pages, 1);
  assert.deepEqual(sigstoreFaults(stack), {});
});
