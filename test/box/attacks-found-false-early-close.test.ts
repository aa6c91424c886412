// Found by attacking protocol v1.1 (docs/spec/sealed-box-v1.1.md, section 4,
// "Collecting and closing"): a stranger's comment edited within its own
// creation second looks like an accepted submission to the box's polls, so
// a box under first-per-author closes early and locks its issue; the final
// listing finds the comment `edited`, the box unlocks and collects on, and
// then closes early on the same comment again, for the whole window. While
// the issue is locked, honest participants cannot post: GitHub answers 403.
// The spec lets a box close early only when the comments "would give
// max_submissions accepted submissions"; this one would give none.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import type { RunIdentity } from '../../src/devstack/identity.ts';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { firstBoxIssue, hostBoxCli } from '../helpers/box.ts';
import { sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const REPO = { owner: 'demo', repo: 'sealbox' };
const client = (login: string) =>
  new Octokit({ auth: ctx.stack.github.tokenFor(login), baseUrl: ctx.stack.githubApiUrl });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function boxRun(runId: number): RunIdentity {
  return releasedBoxRun(ctx.stack, {
    runId,
  });
}

/** The armour `authorId`'s account would post, printed by `box submit --print`. */
async function printed(box: string, text: string, authorId: number) {
  mkdirSync(join(ctx.dir, 'messages'), { recursive: true });
  const file = join(ctx.dir, 'messages', `${authorId}-${text}.txt`);
  writeFileSync(file, text);
  const r = await sealbox(
    [
      'box',
      'submit',
      box,
      '--repo',
      'demo/sealbox',
      '--trusted-root',
      ctx.stack.trustedRootPath,
      '--print',
      '--author-id',
      String(authorId),
      '--file',
      file,
    ],
    { GITHUB_API_URL: ctx.stack.githubApiUrl },
    { cwd: ctx.dir },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test("a stranger's comment edited within its creation second must not close the box early and lock honest participants out", async () => {
  const runId = 9501;
  const out = join(ctx.dir, 'box');
  const host = hostBoxCli(ctx.stack, boxRun(runId), [
    '--computation',
    'reveal',
    '--window',
    '20',
    '--max-submissions',
    '1',
    '--one-per-author',
    'first',
    '--suite',
    'x25519',
    '--out',
    out,
  ]);
  const issue = await firstBoxIssue(ctx.stack, host.stderr(), runId);
  const box = `demo/sealbox#${issue}`;
  const mallory = ctx.stack.github.user('mallory').id;
  const bob = ctx.stack.github.user('bob').id;
  const first = await printed(box, 'one', mallory);
  const second = await printed(box, 'two', mallory);
  const bobs = await printed(box, 'bob votes yes', bob);

  // Mallory (no role on the repository) posts and edits her own comment within
  // one GitHub second (the clock frozen on it, so that it is one second whatever
  // the machine's speed): REST shows no edit; GitHub's edit record does.
  ctx.stack.github.setClock(new Date());
  try {
    const posted = await client('mallory').rest.issues.createComment({
      ...REPO,
      issue_number: issue,
      body: first,
    });
    await client('mallory').rest.issues.updateComment({
      ...REPO,
      comment_id: posted.data.id,
      body: second,
    });
  } finally {
    ctx.stack.github.setClock();
  }

  // Bob comes along while the box is open by its attested window (20 s), at the
  // first moment the issue is locked, or after 8 s if it never is.
  const observer = client('observer');
  for (let i = 0; i < 80; i++) {
    const now = (await observer.rest.issues.get({ ...REPO, issue_number: issue })).data;
    if (now.locked) break;
    await sleep(100);
  }
  let posted: string;
  try {
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    await new Octokit({
      auth: ctx.stack.github.tokenFor('bob'),
      baseUrl: ctx.stack.githubApiUrl,
      log: quiet,
    }).rest.issues.createComment({ ...REPO, issue_number: issue, body: bobs });
    posted = 'posted';
  } catch (e) {
    posted = `refused: ${(e as Error).message}`;
  }
  assert.equal(await host.done, 0, host.stderr());
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
    closes_at: string;
    submissions: { author_login: string; status: string; reason?: string }[];
  };
  const statuses = result.submissions.map((s) => `${s.author_login}:${s.reason ?? s.status}`);
  assert.equal(
    posted,
    'posted',
    `bob, inside the attested window, was locked out (${host.stderr().match(/closing early/g)?.length ?? 0} early closes on mallory's edited comment)`,
  );
  assert.deepEqual(statuses.sort(), ['bob:accepted', 'mallory:edited']);
});
