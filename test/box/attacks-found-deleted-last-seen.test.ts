// Found by attacking the box's ledger of armoured comments (box/seen-comments.ts):
// a comment that vanishes before the agreed listing is recorded as deleted
// "with its id, author, created_at and the ciphertext digest last seen"
// (docs/spec/sealed-box-v1.1.md, "Statuses and reasons"; SeenComments.values:
// "as last seen with armour"). The ledger updates an entry only when the
// comment's armour digest changes: a comment the box polled again under
// another login (the account renamed) or another author (the account
// deleted: GitHub shows its comments as the ghost's), with the same armour,
// keeps the author and login of its first sighting. When the comment is then
// deleted, the result names an author and login the box did not last see.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { hostBox } from '../../src/box/host.ts';
import { parseManifest, publicKeyOf } from '../../src/box/manifest.ts';
import { sealSubmission } from '../../src/box/sealing.ts';
import type { BusComment } from '../../src/box/close-rules.ts';
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

test('a deleted comment is recorded with the author and login the box last saw it under', async () => {
  const gh = ctx.stack.github;
  let manifestBytes: Uint8Array | undefined;
  let polled: BusComment[] = [];
  class Watched extends GitHubIssueBus {
    override async announce(a: Parameters<GitHubIssueBus['announce']>[0]) {
      manifestBytes = a.manifest;
      return super.announce(a);
    }
    override async poll() {
      polled = await super.poll();
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
  const post = async (login: string) => {
    const body = await sealSubmission(manifest, digest, publicKeyOf(manifest), gh.user(login).id, {
      message: `${login} votes`,
    });
    const id = (
      await client(login).rest.issues.createComment({ ...REPO, issue_number: issue, body })
    ).data.id;
    return { id, body };
  };
  const polledAs = async (id: number, login: string) => {
    for (let i = 0; i < 100; i++) {
      if (polled.some((c) => c.id === id && c.author_login === login)) return true;
      await sleep(50);
    }
    return false;
  };
  const carol = await post('carol');
  const mallory = await post('mallory');
  assert.ok(await polledAs(carol.id, 'carol'), 'the box saw carol');
  assert.ok(await polledAs(mallory.id, 'mallory'), 'the box saw mallory');
  await sleep(300);
  // Carol renames her account; Mallory deletes hers (GitHub: the ghost's now).
  Object.assign(gh.user('carol'), { login: 'carol-renamed' });
  Object.assign(gh.user('mallory'), { login: 'ghost', id: 10137 });
  // Each comment is touched (the same armour, a line added) so the box polls it again.
  const owner = client('demo');
  for (const { id, body } of [carol, mallory])
    await owner.rest.issues.updateComment({ ...REPO, comment_id: id, body: `${body}\n(noted)` });
  assert.ok(await polledAs(carol.id, 'carol-renamed'), 'the box saw the renamed login');
  assert.ok(await polledAs(mallory.id, 'ghost'), "the box saw the ghost's comment");
  await sleep(300);
  for (const { id } of [carol, mallory])
    await owner.rest.issues.deleteComment({ ...REPO, comment_id: id });
  const { parsedResult: r } = await hosted;
  assert.equal(r.status, 'complete', `the box ${r.status}: ${r.reason ?? ''}`);
  const recorded = (id: number) => {
    const s = r.submissions.find((x) => x.comment_id === id);
    return s && { status: s.status, author_id: s.author_id, author_login: s.author_login };
  };
  assert.deepEqual(recorded(carol.id), {
    status: 'deleted',
    author_id: gh.user('carol').id,
    author_login: 'carol-renamed',
  });
  assert.deepEqual(recorded(mallory.id), {
    status: 'deleted',
    author_id: 10137,
    author_login: 'ghost',
  });
});
