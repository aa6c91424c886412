// The operator's one command end to end on the local stack: `box run`
// dispatches the caller workflow (examples/workflows/auction.yml), the
// stack's runner runs sealbox's reusable workflow and the bundled Action in a
// child process, participants submit with `box submit`, and the box verifies
// by its run URL. Then a re-run: attempt 2 is a new box that does not link
// with attempt 1's manifest.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { REPO_ROOT, sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const REPO = 'acme/auction';

/** Runs sealbox and resolves `seen` when stdout first matches. */
function streaming(args: string[], env: Record<string, string>, pattern: RegExp) {
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/sealbox.js`, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let resolveSeen: (m: RegExpMatchArray) => void;
  const seen = new Promise<RegExpMatchArray>((r) => (resolveSeen = r));
  child.stdout.on('data', (d) => {
    stdout += d;
    const m = stdout.match(pattern);
    if (m) resolveSeen(m);
  });
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((r) =>
    child.on('close', (status) => r({ status, stdout, stderr })),
  );
  return { seen, done };
}

test('box run: dispatch, verified manifest, participants, verified result; attempt 2 does not link with attempt 1', async () => {
  const { stack, dir } = ctx;
  const gh = stack.github;
  // Debug logging on in the job: the leak check below reads that log too.
  stack.runner.debug = true;
  gh.putFiles(REPO, {
    '.github/workflows/auction.yml': readFileSync(
      `${REPO_ROOT}examples/workflows/auction.yml`,
      'utf8',
    ),
  });
  const roots = ['--trusted-root', stack.trustedRootPath];
  const operator = { GITHUB_API_URL: stack.githubApiUrl, GITHUB_TOKEN: gh.tokenFor('operator') };
  const running = streaming(
    [
      'box',
      'run',
      '--repo',
      REPO,
      '--workflow',
      'auction.yml',
      '-f',
      'window=8',
      '--interval',
      '0.3',
      ...roots,
    ],
    operator,
    /npx sealbox box submit (\S+) --repo/,
  );
  const address = (
    await Promise.race([
      running.seen,
      running.done.then((r) => {
        throw new Error(`box run ended early: ${r.stdout}${r.stderr}`);
      }),
    ])
  )[1]!;
  assert.equal(address, `${REPO}#1`);

  // Distinctive amounts: the losing and the winning bid are published nowhere (reveal_bids: false).
  const bids: Record<string, string> = { alice: '120113377', bob: '150731289', carol: '90418867' };
  const submitted = await Promise.all(
    Object.entries(bids).map(([login, bid]) => {
      const file = join(dir, `${login}.txt`);
      writeFileSync(file, bid);
      return sealbox(
        [
          'box',
          'submit',
          address,
          '--repo',
          REPO,
          '--file',
          file,
          '--receipt-out',
          join(dir, `${login}.receipt.json`),
          ...roots,
        ],
        { GITHUB_API_URL: stack.githubApiUrl, GITHUB_TOKEN: gh.tokenFor(login) },
        { cwd: dir },
      );
    }),
  );
  for (const s of submitted) assert.equal(s.status, 0, s.stdout + s.stderr);

  const r = await running.done;
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /^run: http:\/\/127\.0\.0\.1:\d+\/github\/acme\/auction\/actions\/runs\/\d+$/m,
  );
  assert.match(r.stdout, /manifest verified: box box-\d+-1-[0-9a-f]+, auction/);
  assert.match(r.stdout, /OK: box box-\d+-1-\S+ in acme\/auction#1 verified: complete, 3 accepted/);
  const output = JSON.parse(r.stdout.slice(r.stdout.indexOf('output:\n') + 8));
  assert.equal(output.winner.author_login, 'bob');
  assert.equal(output.price, '120113377');

  // The job as the runner saw it: the workflow's outputs, the step's outputs, the summary.
  const run = gh.runs.find((x) => x.repo === REPO)!;
  assert.equal(run.status, 'completed');
  assert.equal(run.conclusion, 'success');
  const job = await stack.runner.finished(run.id, 1);
  assert.equal(job.outputs.box, address);
  assert.equal(job.outputs.status, 'complete');
  assert.match(job.outputs['manifest-digest']!, /^sha256:[0-9a-f]{64}$/);
  const step = job.steps.box!;
  assert.equal(step.issue, '1');
  assert.equal(step.accepted, '3');
  assert.match(step['manifest-attestation-id']!, /^\d+$/);
  assert.match(step['result-attestation-id']!, /^\d+$/);
  const result = await new Octokit({ baseUrl: stack.githubApiUrl }).request(
    'GET /repos/{owner}/{repo}/attestations/{subject_digest}',
    { owner: 'acme', repo: 'auction', subject_digest: step['result-digest']! },
  );
  assert.equal(result.data.attestations!.length, 1, 'the result is findable by its digest');
  assert.match(job.summary, /^## sealbox box box-\S+: complete$/m);
  assert.match(job.summary, /\| accepted \| 3 \|/);
  assert.match(job.summary, /"winner"/);
  assert.ok(
    job.summary.includes(
      `GITHUB_API_URL=${stack.githubApiUrl} npx sealbox box verify ${address} --repo ${REPO}`,
    ),
    job.summary,
  );
  for (const login of Object.keys(bids))
    assert.match(job.summary, new RegExp(`\\| ${login} \\| accepted \\|`));

  // Anyone: verify by the run's URL, with a receipt; status; the workflows an auditor reads.
  const runUrl = r.stdout.match(/^run: (\S+)$/m)![1]!;
  const reader = { GITHUB_API_URL: stack.githubApiUrl };
  const v = await sealbox(
    [
      'box',
      'verify',
      runUrl,
      '--repo',
      REPO,
      '--receipt',
      join(dir, 'alice.receipt.json'),
      '--show-workflow',
      ...roots,
    ],
    reader,
  );
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /ok {3}run {14}attested by run \d+, as named/);
  assert.match(
    v.stdout,
    /--- caller workflow: acme\/auction\/\.github\/workflows\/auction\.yml \(refs\/heads\/main\) at commit [0-9a-f]{40}\n# A sealed-bid auction/,
  );
  assert.match(
    v.stdout,
    /--- box workflow: sealbox\/sealbox\/\.github\/workflows\/box\.yml \(\S+\) at commit [0-9a-f]{40}\n# sealbox's reusable box workflow/,
  );
  const status = await sealbox(['box', 'status', address], reader);
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /state: closed: result posted \(complete\)/);
  assert.match(status.stdout, /armoured comments so far: 3/);

  // No leak: the bids the auction does not publish are nowhere: not in the job's
  // log, summary or outputs, not on the issue, not in any command's output.
  const reading = new Octokit({ baseUrl: stack.githubApiUrl });
  const boxIssue = (
    await reading.rest.issues.get({ owner: 'acme', repo: 'auction', issue_number: 1 })
  ).data;
  assert.deepEqual(
    [boxIssue.user?.login, boxIssue.user?.id, boxIssue.user?.type],
    ['github-actions[bot]', 41898282, 'Bot'],
    'the job opened its issue with its GITHUB_TOKEN, as github-actions[bot]',
  );
  const issueText = [
    JSON.stringify(
      (await reading.rest.issues.get({ owner: 'acme', repo: 'auction', issue_number: 1 })).data,
    ),
    JSON.stringify(
      await reading.paginate(reading.rest.issues.listComments, {
        owner: 'acme',
        repo: 'auction',
        issue_number: 1,
        per_page: 100,
      }),
    ),
  ].join('\n');
  const published = new TextDecoder().decode(
    (await import('../../src/box/result-comments.ts').then(async (b) =>
      b.latestResult(JSON.parse(issueText.split('\n')[1]!)),
    ))!.result,
  );
  const everything = [
    job.log,
    job.summary,
    JSON.stringify(job.outputs),
    JSON.stringify(job.steps),
    issueText,
    published,
    r.stdout,
    r.stderr,
    v.stdout,
    status.stdout,
    ...submitted.flatMap((x) => [x.stdout, x.stderr]),
  ].join('\n');
  assert.ok(
    everything.includes('120113377'),
    'control: the published price is found by the same search',
  );
  for (const secret of ['150731289', '90418867'])
    assert.ok(!everything.includes(secret), `an unpublished bid (${secret}) leaked`);

  // Re-run: attempt 2 opens a new box (no one bids this time).
  const octokit = new Octokit({ baseUrl: stack.githubApiUrl, auth: operator.GITHUB_TOKEN });
  await octokit.rest.actions.reRunWorkflow({ owner: 'acme', repo: 'auction', run_id: run.id });
  const second = await stack.runner.finished(run.id, 2);
  assert.equal(second.outputs.status, 'complete', second.log);
  assert.equal(second.steps.box!.accepted, '0');
  assert.equal(second.outputs.box, `${REPO}#2`);
  const attempt2 = await sealbox(
    ['box', 'verify', `${runUrl}/attempts/2`, '--repo', REPO, ...roots],
    reader,
  );
  assert.equal(attempt2.status, 0, attempt2.stdout + attempt2.stderr);
  // Attempt 1's URL still names attempt 1's box.
  const latest = await sealbox(
    ['box', 'verify', `${runUrl}/attempts/1`, '--repo', REPO, '--format', 'json', ...roots],
    reader,
  );
  assert.equal(JSON.parse(latest.stdout).box, address);
  // Attempt 1's manifest with attempt 2's result: no link.
  const mixed = join(dir, 'mixed');
  mkdirSync(mixed);
  const files = async (issue: number) => {
    const j = await sealbox(['box', 'status', `${REPO}#${issue}`, '--format', 'json'], reader);
    return JSON.parse(j.stdout);
  };
  assert.equal((await files(2)).run.run_attempt, '2');
  const pull = async (issue: number, out: string) => {
    const { GitHubIssueBus } = await import('../../src/github/issue-bus.ts');
    const { latestResult } = await import('../../src/box/result-comments.ts');
    const bus = new GitHubIssueBus(new Octokit({ baseUrl: stack.githubApiUrl }), REPO, issue);
    const a = (await bus.announcement())!;
    const res = (await latestResult(await bus.comments()))!;
    return { a, res, out };
  };
  const one = await pull(1, mixed);
  const two = await pull(2, mixed);
  writeFileSync(join(mixed, 'manifest.json'), one.a.manifest);
  writeFileSync(join(mixed, 'manifest.sigstore.json'), JSON.stringify(one.a.manifestBundle));
  writeFileSync(join(mixed, 'result.json'), two.res.result);
  writeFileSync(join(mixed, 'result.sigstore.json'), JSON.stringify(two.res.bundle));
  const bad = await sealbox(['box', 'verify', mixed, '--repo', REPO, '--format', 'json', ...roots]);
  assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  const failing = JSON.parse(bad.stdout)
    .checks.filter((c: { ok: boolean }) => !c.ok)
    .map((c: { name: string }) => c.name);
  assert.ok(failing.includes('linkage'), failing.join(', '));
  assert.match(JSON.stringify(JSON.parse(bad.stdout).checks), /run \(id and attempt\)/);
});

test('box run --ref: the stub on the default branch, the workflow from the branch, named in the manifest', async () => {
  const { stack } = ctx;
  const gh = stack.github;
  const examples = `${REPO_ROOT}examples/workflows/`;
  gh.putFiles('acme/vote', {
    '.github/workflows/vote.yml': readFileSync(`${examples}default-branch-stub.yml`, 'utf8'),
  });
  gh.putFiles(
    'acme/vote',
    { '.github/workflows/vote.yml': readFileSync(`${examples}vote.yml`, 'utf8') },
    'try-vote',
  );
  const env = { GITHUB_API_URL: stack.githubApiUrl, GITHUB_TOKEN: gh.tokenFor('operator') };
  const roots = ['--trusted-root', stack.trustedRootPath];
  const r = await sealbox(
    [
      'box',
      'run',
      '--repo',
      'acme/vote',
      '--workflow',
      'vote.yml',
      '--ref',
      'try-vote',
      '-f',
      'window=2',
      '--interval',
      '0.3',
      ...roots,
    ],
    env,
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /OK: box \S+ in acme\/vote#1 verified: complete, 0 accepted/);
  const s = await sealbox(['box', 'status', 'acme/vote#1', '--format', 'json'], env);
  assert.equal(
    JSON.parse(s.stdout).run.workflow_ref,
    'acme/vote/.github/workflows/vote.yml@refs/heads/try-vote',
  );
  // Without --ref, the stub runs: it has no box job, and box run says so.
  const stub = await sealbox(
    ['box', 'run', '--repo', 'acme/vote', '--workflow', 'vote.yml', '--interval', '0.3', ...roots],
    env,
  );
  assert.equal(stub.status, 2, stub.stdout + stub.stderr);
  assert.match(
    stub.stderr,
    /^sealbox: run \d+ ended \(failure\) before it opened a box: see http/m,
  );
});

test('box run refuses what it cannot trust or find: no nonce input, no ID token for the box', async () => {
  const { stack } = ctx;
  const gh = stack.github;
  const env = { GITHUB_API_URL: stack.githubApiUrl, GITHUB_TOKEN: gh.tokenFor('operator') };
  const auction = readFileSync(`${REPO_ROOT}examples/workflows/auction.yml`, 'utf8');
  gh.putFiles('acme/plain', {
    '.github/workflows/auction.yml': auction.replace(/ {6}nonce:\n(?: {8}.*\n)+/, ''),
  });
  const noNonce = await sealbox(
    ['box', 'run', '--repo', 'acme/plain', '--workflow', 'auction.yml'],
    env,
  );
  assert.equal(noNonce.status, 2, noNonce.stdout + noNonce.stderr);
  assert.match(noNonce.stderr, /has no 'nonce' input; box run needs one/);
  const missing = await sealbox(
    ['box', 'run', '--repo', 'acme/plain', '--workflow', 'nothing.yml'],
    env,
  );
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nothing\.yml: no such workflow on acme\/plain's default branch/);
  // A copy of box.yml that does not grant id-token: write: the job gets no token and fails before any box opens.
  const boxYml = readFileSync(`${REPO_ROOT}.github/workflows/box.yml`, 'utf8');
  gh.putFiles('evil/box', {
    '.github/workflows/box.yml': boxYml.replace(/^ {6}id-token: write.*\n/m, ''),
  });
  gh.putFiles('acme/broken', {
    '.github/workflows/auction.yml': auction.replace(
      /uses: sealbox\/sealbox\/\S+/,
      'uses: evil/box/.github/workflows/box.yml@main',
    ),
  });
  const broken = await sealbox(
    ['box', 'run', '--repo', 'acme/broken', '--workflow', 'auction.yml', '--interval', '0.3'],
    env,
  );
  assert.equal(broken.status, 2, broken.stdout + broken.stderr);
  assert.match(broken.stderr, /ended \(failure\) before it opened a box/);
  const run = gh.runs.find((x) => x.repo === 'acme/broken')!;
  const job = await stack.runner.finished(run.id);
  assert.match(job.log, /::error[^:]*::no ID token for the box \(ACTIONS_ID_TOKEN_REQUEST_URL/);
});
