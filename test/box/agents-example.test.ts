// examples/agents end to end on the local stack: the operator program opens
// a box through `box run --events jsonl` (the stack's runner runs the
// reusable workflow and the bundled Action), two worker programs submit their
// work as JSON and each gets its private answer through `box reply`; the
// operator sees the verified result. The programs are run unchanged.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const REPO = 'acme/agents';
const EXAMPLE = `${REPO_ROOT}examples/agents/`;

/** Runs an example program; `lines` has each JSON line of its stdout as it comes. */
function program(
  file: string,
  args: string[],
  env: Record<string, string>,
  o: { cwd?: string; input?: string } = {},
) {
  const child = spawn(process.execPath, [`${EXAMPLE}${file}`, ...args], {
    cwd: o.cwd,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(o.input ?? '');
  const lines: Record<string, unknown>[] = [];
  let waiting: (() => void) | undefined;
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
    let i;
    while ((i = out.indexOf('\n')) !== -1) {
      lines.push(JSON.parse(out.slice(0, i)));
      out = out.slice(i + 1);
      waiting?.();
    }
  });
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<number | null>((r) => child.on('close', r));
  const next = async () => {
    while (!lines.length) {
      await Promise.race([
        new Promise<void>((r) => (waiting = r)),
        done.then((s) => {
          throw new Error(`${file} ended (${s}) before printing: ${err}`);
        }),
      ]);
    }
    return lines.shift()!;
  };
  return { next, done, stderr: () => err };
}

test('examples/agents: an operator agent opens a box, two worker agents bid and each gets its private answer', async () => {
  const { stack, dir } = ctx;
  stack.github.putFiles(REPO, {
    '.github/workflows/agents.yml': readFileSync(`${EXAMPLE}auction.yml`, 'utf8'),
  });
  const common = {
    GITHUB_API_URL: stack.githubApiUrl,
    SEALBOX_CLI: `${REPO_ROOT}bin/sealbox.js`,
    TRUSTED_ROOT: stack.trustedRootPath,
    POLL_SECONDS: '0.5',
  };
  const operator = program('operator.mjs', [REPO, 'agents.yml', 'window=60', 'bidders=2'], {
    ...common,
    GITHUB_TOKEN: stack.github.tokenFor('operator'),
  });
  const opened = await operator.next();
  assert.equal(opened.opened, `${REPO}#1`, operator.stderr());
  assert.equal(opened.computation, 'auction');
  const box = opened.opened as string;

  const bids: Record<string, string> = { ada: '7300', bo: '6100' };
  const workers = Object.entries(bids).map(([login, bid]) => {
    const cwd = join(dir, login);
    mkdirSync(cwd);
    return program(
      'worker.mjs',
      [box, REPO],
      { ...common, GITHUB_TOKEN: stack.github.tokenFor(login) },
      { cwd, input: JSON.stringify({ bid }) },
    );
  });
  const answers = await Promise.all(workers.map((w) => w.next()));
  for (const w of workers) assert.equal(await w.done, 0, w.stderr());
  assert.deepEqual(answers[0]!.answer, { won: true, price: '6100' }, JSON.stringify(answers));
  assert.deepEqual(answers[1]!.answer, { won: false, price: null });
  assert.notEqual(answers[0]!.comment_id, answers[1]!.comment_id);

  const verified = await operator.next();
  assert.equal(await operator.done, 0, operator.stderr());
  assert.equal(verified.verified, true);
  assert.equal(verified.status, 'complete');
  const output = verified.output as { winner: { author_login: string }; price: string };
  assert.equal(output.winner.author_login, 'ada');
  assert.equal(output.price, '6100');
  // Each worker kept its reply key private, beside its receipt.
  for (const login of Object.keys(bids)) {
    const key = JSON.parse(readFileSync(join(dir, login, 'reply-key.json'), 'utf8'));
    assert.equal(key.box, box);
  }
});
