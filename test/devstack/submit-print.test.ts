// `box submit --print --author-id N`: the armoured comment for any author,
// without a token (for people who post by hand, and for attacks in tests).
// The armour is sealed for N: the box accepts it posted by account N and
// not posted by anyone else.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { firstBoxIssue, hostBoxCli } from '../helpers/box.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

test('--author-id is a numeric id and goes with --print (checked before anything is read)', async () => {
  const message = join(ctx.dir, 'm.txt');
  writeFileSync(message, '1');
  for (const [args, why] of [
    [['--print', '--author-id', '0'], /--author-id 0: give a numeric GitHub user id/],
    [['--print', '--author-id', 'alice'], /--author-id alice: give a numeric GitHub user id/],
    [['--print', '--author-id', '99999999999999999'], /give a numeric GitHub user id/],
    [['--author-id', '7'], /--author-id goes with --print/],
  ] as const) {
    const r = await sealbox(
      ['box', 'submit', 'demo/sealbox#1', '--repo', 'demo/sealbox', '--file', message, ...args],
      { GITHUB_TOKEN: '', GITHUB_API_URL: 'http://127.0.0.1:9' },
    );
    assert.equal(r.status, 2, args.join(' '));
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, why);
  }
});

test('printed for an author id without a token: accepted from that account, rejected from another', async () => {
  const { stack, dir } = ctx;
  const gh = stack.github;
  const run = releasedBoxRun(stack, {
    runId: 5151,
  });
  const out = join(dir, 'box');
  const host = hostBoxCli(stack, run, [
    '--computation',
    'reveal',
    '--window',
    '12',
    '--suite',
    'x25519',
    '--out',
    out,
  ]);
  const issue = await firstBoxIssue(stack, host.stderr(), run.runId);
  const carol = gh.user('carol');
  const message = join(dir, 'carol.txt');
  writeFileSync(message, 'for carol, by hand');
  const printed = await sealbox(
    [
      'box',
      'submit',
      `demo/sealbox#${issue}`,
      '--repo',
      'demo/sealbox',
      '--trusted-root',
      stack.trustedRootPath,
      '--file',
      message,
      '--print',
      '--author-id',
      String(carol.id),
    ],
    { GITHUB_TOKEN: '', GITHUB_API_URL: stack.githubApiUrl },
    { cwd: dir },
  );
  assert.equal(printed.status, 0, printed.stderr);
  const armour = printed.stdout.trim();
  assert.match(
    armour,
    /^-----BEGIN SEALBOX SUBMISSION-----\n[\s\S]+\n-----END SEALBOX SUBMISSION-----$/,
  );
  assert.doesNotMatch(printed.stdout + printed.stderr, /for carol, by hand/);

  const post = (login: string) =>
    new Octokit({
      auth: gh.tokenFor(login),
      baseUrl: stack.githubApiUrl,
    }).rest.issues.createComment({
      owner: 'demo',
      repo: 'sealbox',
      issue_number: issue,
      body: armour,
    });
  await post('carol');
  await post('dave');
  assert.equal(await host.done, 0, host.stderr());
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
    submissions: { author_login: string; author_id: number; status: string }[];
  };
  const by = Object.fromEntries(result.submissions.map((s) => [s.author_login, s]));
  assert.equal(by.carol?.status, 'accepted');
  assert.equal(by.carol?.author_id, carol.id);
  assert.equal(by.dave?.status, 'rejected', 'sealed for carol, posted by dave');
});
