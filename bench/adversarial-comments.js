// Verifying a box read from its issue while strangers flood it with text made
// to be expensive to read (docs/spec/sealed-box-v1.1.md, "Reading a box from
// its issue": every parser of comment text is linear). Baseline: the same box,
// flooded with as many ordinary comments of the same lengths. Whole `sealbox box verify`
// processes, alternating the two. Target: at most 2x.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { hostBox } from '../src/box/host.ts';
import { releasedBoxRun } from '../src/devstack/index.ts';
import { DevStack } from '../src/devstack/stack.ts';
import { GitHubIssueBus } from '../src/github/issue-bus.ts';
import { boxAttester } from '../src/node/box-attest.ts';

const PER_SHAPE = Number(process.env.BENCH_COMMENTS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const root = new URL('..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'sealbox-bench-adversarial-'));
const stack = await DevStack.start({ stateDir: join(scratch, 'state') });
const run = releasedBoxRun(stack, {
  runId: 5151,
});
const manifestRun = {
  repository: 'demo/sealbox',
  workflow_ref: 'demo/sealbox/.github/workflows/release.yml@refs/heads/main',
  run_id: String(run.runId),
  run_attempt: '1',
  sha: run.sha,
};

async function box(repo) {
  const octokit = new Octokit({
    auth: stack.github.jobToken(repo),
    baseUrl: stack.githubApiUrl,
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const bus = new GitHubIssueBus(octokit, repo);
  await hostBox(
    {
      bus,
      attest: boxAttester({ fulcioUrl: stack.fulcioUrl, rekorUrl: stack.rekorUrl }, () =>
        stack.issuer.mint({ ...run, repository: repo }),
      ),
      now: () => new Date(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    },
    {
      boxId: `bench-${repo.replace(/\W/g, '-')}`,
      suite: 'x25519',
      windowSeconds: 1,
      rules: {
        max_submissions: 10,
        max_bytes: 65536,
        one_per_author: 'first',
        allowed_authors: null,
        min_participants: 0,
      },
      computation: { name: 'reveal', parameters: {} },
      run: { ...manifestRun, repository: repo },
      pollMs: 200,
      settleMs: 0,
    },
  );
  return bus.issue;
}

const fence = (tag, text) => `\`\`\`${tag}\n${Buffer.from(text).toString('base64')}\n\`\`\``;
// The shapes: each made to cost a careless reader more than its length.
const shapes = {
  'fence header, then 60,000 newlines': '```sealbox-result-gzip' + '\n'.repeat(60_000),
  'fence header, then 60,000 spaces': '```sealbox-result ' + ' '.repeat(60_000),
  'unterminated armour': '-----BEGIN SEALBOX SUBMISSION-----\n' + 'A'.repeat(60_000),
  'many fence headers': '```sealbox-result\n'.repeat(3_000),
  'gzip part headers, no parts': 'sealbox box result (gzip), part 1 of 99999:\n'.repeat(1_000),
  'a result nested 20,000 deep': `sealbox box result:\n\n${fence('sealbox-result', '['.repeat(20_000) + ']'.repeat(20_000))}\n\n${fence('sealbox-result-bundle', '{}')}`,
};
// The baseline's comments are ordinary prose of the same lengths: the same
// bytes to fetch and parse, none of them made to be expensive to read.
const prose = (length) =>
  'A comment of the ordinary kind, which says nothing in particular.\n'
    .repeat(Math.ceil(length / 66))
    .slice(0, length);

const clean = await box('demo/clean');
const flooded = await box('demo/flooded');
const shapeCount = Object.keys(shapes).length;
const mallory = stack.github.user('mallory');
for (const text of Object.values(shapes)) {
  stack.github.seedComments(
    'demo/clean',
    clean,
    mallory,
    Array(PER_SHAPE).fill(prose(text.length)),
  );
  stack.github.seedComments('demo/flooded', flooded, mallory, Array(PER_SHAPE).fill(text));
}

// Asynchronous: the stack answering the verifier runs in this process.
const verify = async (repo, issue) => {
  const started = process.hrtime.bigint();
  const r = await promisify(execFile)(
    process.execPath,
    [
      join(root, 'bin/sealbox.js'),
      'box',
      'verify',
      `${repo}#${issue}`,
      '--repo',
      repo,
      '--trusted-root',
      stack.trustedRootPath,
      '--format',
      'json',
    ],
    {
      env: { ...process.env, GITHUB_API_URL: stack.githubApiUrl },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // execFile rejects on a non-zero exit; a verdict that is not OK is an error too.
  if (!JSON.parse(r.stdout).ok) throw new Error(`box verify ${repo}#${issue}: ${r.stdout}`);
  return ms;
};

const times = { clean: [], flooded: [] };
for (let i = 0; i < RUNS; i++) {
  times.clean.push(await verify('demo/clean', clean));
  times.flooded.push(await verify('demo/flooded', flooded));
}
await stack.stop();
rmSync(scratch, { recursive: true, force: true });
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [c, f] = [median(times.clean), median(times.flooded)];
console.log(
  `box verify from its issue, ${PER_SHAPE * shapeCount} comments (${shapeCount} shapes x ${PER_SHAPE}), median of ${RUNS}:`,
);
console.log(`  baseline, ordinary comments of the same lengths: ${c.toFixed(0)} ms`);
console.log(`  adversarial comments: ${f.toFixed(0)} ms = ${(f / c).toFixed(2)}x (target <= 2x)`);
