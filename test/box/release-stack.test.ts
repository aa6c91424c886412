// Released box workflows on the local stack, end to end: caller workflows pin
// sealbox's box.yml at every kind of ref, the stack's runner resolves each as
// GitHub would and runs the code of that commit, and `box verify` (with the
// stack's root and nothing else) accepts the stack's own release, by tag or
// commit, and refuses the rest by the `release` check: a commit nobody
// released, a branch, a fork's commit, an unlisted tag, a newer release, a
// revoked one. The escape flag opens them with a warning, in JSON too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import {
  commitSealbox,
  forkRepository,
  listSealboxRelease,
  releasedBoxRun,
  revokeSealboxRelease,
  sealboxRelease,
  tagSealbox,
} from '../../src/devstack/index.ts';
import { parseReleaseList } from '../../src/box/releases.ts';
import { firstBoxIssue, hostBoxCli } from '../helpers/box.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { boxCaller } from '../helpers/box-workflow.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const REPO = 'acme/rel';

type Case = { name: string; ref: string; code?: string; runUrl?: string };

/** Dispatches one caller per case at once, and waits for the runs. */
async function runAll(cases: Case[]) {
  const { stack } = ctx;
  const gh = stack.github;
  gh.putFiles(
    REPO,
    Object.fromEntries(cases.map((c, i) => [`.github/workflows/case${i}.yml`, boxCaller(c.ref)])),
  );
  const octokit = new Octokit({ auth: gh.tokenFor('acme'), baseUrl: stack.githubApiUrl });
  for (const [i] of cases.entries())
    await octokit.rest.actions.createWorkflowDispatch({
      owner: 'acme',
      repo: 'rel',
      workflow_id: `case${i}.yml`,
      ref: 'main',
    });
  for (const [i, c] of cases.entries()) {
    const run = gh.runs.find((r) => r.repo === REPO && r.workflow === `case${i}.yml`)!;
    const job = await stack.runner.finished(run.id);
    assert.equal(job.conclusion, 'success', `${c.name}: ${job.log}`);
    c.runUrl = `${stack.githubServerUrl}/${REPO}/actions/runs/${run.id}`;
  }
}

const verify = (c: Case, extra: string[] = []) =>
  sealbox(
    [
      'box',
      'verify',
      c.runUrl!,
      '--trusted-root',
      ctx.stack.trustedRootPath,
      '--repo',
      REPO,
      '--format',
      'json',
      ...extra,
    ],
    { GITHUB_API_URL: ctx.stack.githubApiUrl },
  );

const releaseOf = (stdout: string) =>
  (JSON.parse(stdout).checks as { name: string; ok: boolean; code: string; reason: string }[]).find(
    (c) => c.name === 'release',
  )!;

test('the stack’s release verifies by tag and by commit; every other ref fails `release`; the escape flag warns', async () => {
  const { stack } = ctx;
  const release = sealboxRelease(stack);
  assert.match(release.tag, /^v\d+\.\d+\.\d+$/);
  // Commits nobody released, with box.yml and the Action as the release has them.
  const unlisted = commitSealbox(stack, { changes: { 'NOTES.md': 'after the release\n' } });
  const branch = commitSealbox(stack, {
    branch: 'feature',
    changes: { 'NOTES.md': 'a pull request\n' },
  });
  forkRepository(stack, 'sealbox/sealbox', 'mallory/sealbox');
  const fork = commitSealbox(stack, {
    repository: 'mallory/sealbox',
    changes: { 'NOTES.md': "mallory's\n" },
  });
  tagSealbox(stack, 'v0.0.9', unlisted);
  tagSealbox(stack, 'v99.0.0', unlisted);
  // A second release of the stack, revoked after its box ran.
  const revoked = commitSealbox(stack, { changes: { 'NOTES.md': 'to be revoked\n' } });
  tagSealbox(stack, 'v0.0.5', revoked);
  listSealboxRelease(stack, { tag: 'v0.0.5', commit: revoked });
  assert.ok(branch !== unlisted && fork !== unlisted);

  const cases: Case[] = [
    { name: 'the release, by its tag', ref: release.tag },
    { name: 'the release, by its commit', ref: release.commit },
    { name: 'a commit after the release', ref: unlisted, code: 'UNRELEASED' },
    { name: 'a branch', ref: 'feature', code: 'UNRELEASED' },
    { name: "a fork's commit, through the parent's name", ref: fork, code: 'UNRELEASED' },
    { name: 'an unlisted tag', ref: 'v0.0.9', code: 'UNRELEASED' },
    { name: 'a release newer than the list', ref: 'v99.0.0', code: 'UNKNOWN_RELEASE' },
    { name: 'a release revoked after its box ran', ref: 'v0.0.5', code: 'REVOKED_RELEASE' },
  ];
  await runAll(cases);
  revokeSealboxRelease(stack, { tag: 'v0.0.5', commit: revoked }, 'its box leaked keys');

  for (const c of cases) {
    const v = await verify(c);
    const check = releaseOf(v.stdout);
    if (!c.code) {
      assert.equal(v.status, 0, `${c.name}: ${v.stdout}${v.stderr}`);
      assert.match(check.reason, new RegExp(`^release ${release.tag} \\(commit [0-9a-f]{12}\\)$`));
      continue;
    }
    assert.equal(v.status, 1, `${c.name}: ${v.stdout}`);
    assert.equal(check.code, c.code, `${c.name}: ${check.reason}`);
    assert.equal(
      (JSON.parse(v.stdout).checks as { ok: boolean }[]).filter((x) => !x.ok).length,
      1,
      `${c.name}: only release fails`,
    );
  }
  const byName = (n: string) => cases.find((c) => c.name.startsWith(n))!;
  assert.match(releaseOf((await verify(byName('a branch'))).stdout).reason, /refs\/heads\/feature/);
  assert.match(
    releaseOf((await verify(byName('a release newer'))).stdout).reason,
    /^unknown release: update sealbox/,
  );
  assert.match(
    releaseOf((await verify(byName('a release revoked'))).stdout).reason,
    /was revoked: its box leaked keys/,
  );

  // The text verdict names the check and the code, exit 1.
  const text = await sealbox(
    [
      'box',
      'verify',
      byName('a release newer').runUrl!,
      '--trusted-root',
      stack.trustedRootPath,
      '--repo',
      REPO,
    ],
    { GITHUB_API_URL: stack.githubApiUrl },
  );
  assert.equal(text.status, 1);
  assert.match(text.stdout, /^FAIL: box in acme\/rel#\d+: unknown release: update sealbox/m);
  assert.match(text.stdout, /FAIL release +UNKNOWN_RELEASE: /);

  // Opened explicitly: passes, warns on stderr, and says so in JSON.
  for (const c of cases.filter((x) => x.code)) {
    const v = await verify(c, ['--allow-unreleased-box-workflow']);
    assert.equal(v.status, 0, `${c.name}: ${v.stdout}`);
    const out = JSON.parse(v.stdout);
    assert.equal(out.allow_unreleased_box_workflow, true);
    assert.ok(
      (out.notes as string[]).some((n) => n.startsWith('warning: --allow-unreleased-box-workflow')),
    );
    assert.match(releaseOf(v.stdout).reason, /\(allowed: --allow-unreleased-box-workflow\)$/);
  }
  const warned = await sealbox(
    [
      'box',
      'verify',
      byName('a branch').runUrl!,
      '--trusted-root',
      stack.trustedRootPath,
      '--repo',
      REPO,
      '--allow-unreleased-box-workflow',
    ],
    { GITHUB_API_URL: stack.githubApiUrl },
  );
  assert.equal(warned.status, 0, warned.stdout + warned.stderr);
  assert.match(warned.stderr, /^note: warning: --allow-unreleased-box-workflow: /m);
  assert.equal(JSON.parse((await verify(cases[0]!)).stdout).allow_unreleased_box_workflow, false);

  // --signer-digest (gh's flag) pins the box workflow's commit further.
  const pinned = await verify(cases[0]!, ['--signer-digest', release.commit]);
  assert.equal(pinned.status, 0, pinned.stdout);
  const other = await verify(cases[0]!, ['--signer-digest', unlisted]);
  assert.equal(other.status, 1);
  assert.match(other.stdout, /SIGNER_DIGEST_MISMATCH/);
  const bad = await sealbox(['box', 'verify', '.', '--repo', REPO, '--signer-digest', 'main']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^sealbox: --signer-digest "main" is not a commit SHA$/m);
});

test('box submit refuses a box of an unreleased box workflow unless told, and then warns', async () => {
  const { stack, dir } = ctx;
  const run = releasedBoxRun(stack, {
    runId: 7001,
    jobWorkflowRef: 'sealbox/sealbox/.github/workflows/box.yml@refs/heads/feature',
    jobWorkflowSha: 'e'.repeat(40),
  });
  const host = hostBoxCli(stack, run, [
    '--computation',
    'reveal',
    '--window',
    '10',
    '--suite',
    'x25519',
    '--out',
    join(dir, 'feature-box'),
  ]);
  const issue = await firstBoxIssue(stack, host.stderr(), 7001);
  const submit = (extra: string[] = []) =>
    sealbox(
      [
        'box',
        'submit',
        `demo/sealbox#${issue}`,
        '--repo',
        'demo/sealbox',
        '--trusted-root',
        stack.trustedRootPath,
        '--receipt-out',
        join(dir, 'feature-receipt.json'),
        ...extra,
      ],
      { GITHUB_API_URL: stack.githubApiUrl, GITHUB_TOKEN: stack.github.tokenFor('alice') },
      { input: 'sealed to a branch' },
    );
  const refused = await submit();
  assert.equal(refused.status, 2, refused.stdout + refused.stderr);
  assertOneCleanLine(refused.stderr);
  assert.match(
    refused.stderr,
    /does not run a sealbox release: box\.yml at refs\/heads\/feature: a branch is not a release/,
  );
  const told = await submit(['--allow-unreleased-box-workflow']);
  assert.equal(told.status, 0, told.stdout + told.stderr);
  assert.match(told.stderr, /^sealbox: warning: --allow-unreleased-box-workflow: /m);
  assert.equal(await host.done, 0, host.stderr());
});

test('a tag published again at another commit names the new one, and the stack’s list stays valid', () => {
  const path = join(ctx.dir, 'state', 'releases.json');
  const first = ctx.stack.publishSealbox({ 'README.md': 'one' }, 'v9.9.9');
  const second = ctx.stack.publishSealbox({ 'README.md': 'two' }, 'v9.9.9');
  assert.notEqual(first.commit, second.commit);
  const list = parseReleaseList(JSON.parse(readFileSync(path, 'utf8')), path);
  assert.deepEqual(
    list.releases.filter((r) => r.tag === 'v9.9.9'),
    [second],
  );
  // Published again at the same commit: still one entry.
  ctx.stack.listRelease(second);
  assert.equal(
    parseReleaseList(JSON.parse(readFileSync(path, 'utf8')), path).releases.filter(
      (r) => r.tag === 'v9.9.9',
    ).length,
    1,
  );
});
