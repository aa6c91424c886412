// Found by attacking the box's memory handling (docs/performance.md, "Memory
// under a flood"): the box judges an armoured comment when it first sees it
// and keeps the judgement by comment id for the author it was judged for;
// the bus then keeps only the comment's digests. When GitHub later reports
// the comment under another author (an account deleted: GitHub attributes
// its comments to the "ghost" account), the body is unchanged, so nothing
// tells an edit, the judgement is for another author, and the body is gone:
// the judge throws and the box aborts. Any stranger can do this to a box
// without allowed_authors: post any armoured comment, then delete the
// throwaway account. Before, the box kept the body and judged it for the
// author GitHub reports (the AAD binds the author: undecryptable).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { hostBox } from '../../src/box/host.ts';
import { parseManifest, publicKeyOf } from '../../src/box/manifest.ts';
import { sealSubmission } from '../../src/box/sealing.ts';
import { sha256Hex } from '../../src/bytes.ts';
import { GitHubIssueBus } from '../../src/github/issue-bus.ts';
import { boxConfig, boxDeps } from '../helpers/box.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const REPO = { owner: 'demo', repo: 'sealbox' };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const octokit = (auth: string) =>
  new Octokit({ auth, baseUrl: ctx.stack.githubApiUrl, log: quiet });
const client = (login: string) => octokit(ctx.stack.github.tokenFor(login));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a stranger who posts an armoured comment and then deletes the account cannot make an open box abort', async () => {
  const gh = ctx.stack.github;
  let manifestBytes: Uint8Array | undefined;
  let polledIds: number[] = [];
  // The job's token (github-actions[bot]) runs the box; the test watches what it announces and polls.
  class Watched extends GitHubIssueBus {
    override async announce(a: Parameters<GitHubIssueBus['announce']>[0]) {
      manifestBytes = a.manifest;
      return super.announce(a);
    }
    override async poll() {
      const polled = await super.poll();
      polledIds = polled.map((c) => c.id);
      return polled;
    }
  }
  const jobBus = new Watched(octokit(gh.jobToken('demo/sealbox')) as never, 'demo/sealbox');
  const hosted = hostBox(
    boxDeps(ctx.stack, jobBus),
    boxConfig({ windowSeconds: 6, pollMs: 200 }, { max_submissions: 10, allowed_authors: null }),
  );
  for (let i = 0; i < 100 && !manifestBytes; i++) await sleep(50);
  assert.ok(manifestBytes, 'the box announced its manifest');
  const manifest = parseManifest(manifestBytes);
  const digest = await sha256Hex(manifestBytes);
  const issue = jobBus.issue!;
  const post = async (login: string, message: string) =>
    (
      await client(login).rest.issues.createComment({
        ...REPO,
        issue_number: issue,
        body: await sealSubmission(manifest, digest, publicKeyOf(manifest), gh.user(login).id, {
          message,
        }),
      })
    ).data.id;
  await post('bob', 'bob votes yes');
  const mallorys = await post('mallory', 'anything');
  // Once the box has seen (judged, then given up) Mallory's comment, she deletes her account.
  for (let i = 0; i < 100 && !polledIds.includes(mallorys); i++) await sleep(50);
  assert.ok(polledIds.includes(mallorys), 'the box saw the comment');
  await sleep(300);
  Object.assign(gh.user('mallory'), { login: 'ghost', id: 10137 });
  const listed = await client('observer').rest.issues.getComment({ ...REPO, comment_id: mallorys });
  assert.deepEqual(
    [listed.data.user?.login, listed.data.user?.id, listed.data.updated_at],
    ['ghost', 10137, listed.data.created_at],
    "GitHub now shows the comment as the ghost's, unedited",
  );
  const { parsedResult: r } = await hosted;
  assert.equal(r.status, 'complete', `the box ${r.status}: ${r.reason ?? ''}`);
  const statuses = r.submissions.map((s) => `${s.author_login}:${s.reason ?? s.status}`);
  assert.ok(statuses.includes('bob:accepted'), statuses.join(', '));
  const ghost = r.submissions.find((s) => s.comment_id === mallorys);
  assert.equal(ghost?.status, 'rejected', "the ghost's comment opens to nothing for its author");
});
