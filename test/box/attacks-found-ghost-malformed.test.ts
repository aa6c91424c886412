// Found by attacking the judge's memo in the host's ledger (box/seen-comments.ts,
// boxJudge in box/sealing.ts): a comment judged when first seen, and whose
// author then changes (the account deleted: GitHub shows its comments as the
// ghost's), is answered "undecryptable" whatever the judge found in it, since
// the bus no longer keeps its body. The reasons go in the spec's order
// (docs/spec/sealed-box-v1.1.md, "Statuses and reasons"): `malformed`
// (armour or base64 broken) comes before `undecryptable`, and an armour that
// does not decode is broken whoever its author is. A box that keeps bodies
// (or judges the comment afresh) records it as malformed; this one records
// a reason the comment does not have.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { ARMOUR_BEGIN, ARMOUR_END } from '../../src/box/armour.ts';
import { hostBox } from '../../src/box/host.ts';
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

test("a comment whose armour does not decode stays malformed when its author's account is deleted", async () => {
  const gh = ctx.stack.github;
  let announced = false;
  let polledIds: number[] = [];
  class Watched extends GitHubIssueBus {
    override async announce(a: Parameters<GitHubIssueBus['announce']>[0]) {
      announced = true;
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
  for (let i = 0; i < 100 && !announced; i++) await sleep(50);
  assert.ok(announced, 'the box announced its manifest');
  const issue = jobBus.issue!;
  // Armour lines around text that is not base64: malformed, whoever posts it.
  const broken = `${ARMOUR_BEGIN}\nthis is not base64!\n${ARMOUR_END}`;
  const post = async (login: string) =>
    (await client(login).rest.issues.createComment({ ...REPO, issue_number: issue, body: broken }))
      .data.id;
  const bobs = await post('bob');
  const mallorys = await post('mallory');
  for (let i = 0; i < 100 && !polledIds.includes(mallorys); i++) await sleep(50);
  assert.ok(polledIds.includes(mallorys), 'the box saw the comment');
  await sleep(300);
  Object.assign(gh.user('mallory'), { login: 'ghost', id: 10137 });
  const listed = await client('observer').rest.issues.getComment({ ...REPO, comment_id: mallorys });
  assert.deepEqual(
    [listed.data.user?.id, listed.data.body, listed.data.updated_at],
    [10137, broken, listed.data.created_at],
    "GitHub now shows the comment as the ghost's, unedited",
  );
  const { parsedResult: r } = await hosted;
  assert.equal(r.status, 'complete', `the box ${r.status}: ${r.reason ?? ''}`);
  const reason = (id: number) => r.submissions.find((s) => s.comment_id === id)?.reason;
  assert.equal(reason(bobs), 'malformed', "bob's broken armour");
  assert.equal(reason(mallorys), 'malformed', "the ghost's broken armour is broken all the same");
});
