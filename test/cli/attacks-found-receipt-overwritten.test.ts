// Found by attacking private replies from the participant's side: `box
// submit` never overwrites a reply key file (a second submission to the same
// box gets sealbox-reply-key-BOX-2.json) but silently overwrites the receipt
// sealbox-receipt-BOX.json. Under one_per_author "first" the second comment is
// rejected; the receipt of the accepted one is gone, and the default files no
// longer belong together: `box reply --reply-key sealbox-reply-key-BOX.json
// --receipt sealbox-receipt-BOX.json` names the rejected comment and reads no
// reply. The receipt of each posted submission must survive, beside the reply
// key made for it (or the second submission be refused before it is posted).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { firstBoxIssue, hostBoxCli } from '../helpers/box.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

test("a second box submit to the same box keeps the first submission's receipt", async () => {
  const runId = 9515;
  const host = hostBoxCli(ctx.stack, releasedBoxRun(ctx.stack, { runId }), [
    '--computation',
    'auction',
    '--window',
    '10',
    '--suite',
    'x25519',
    '--out',
    join(ctx.dir, 'box'),
  ]);
  const issue = await firstBoxIssue(ctx.stack, host.stderr(), runId);
  const box = `demo/sealbox#${issue}`;
  const home = join(ctx.dir, 'alice');
  mkdirSync(home);
  const env = {
    GITHUB_TOKEN: ctx.stack.github.tokenFor('alice'),
    GITHUB_API_URL: ctx.stack.githubApiUrl,
  };
  const posted: number[] = [];
  for (const bid of ['100', '200']) {
    const r = await sealbox(
      [
        'box',
        'submit',
        box,
        '--repo',
        'demo/sealbox',
        '--trusted-root',
        ctx.stack.trustedRootPath,
        '--format',
        'json',
      ],
      env,
      { input: bid, cwd: home },
    );
    if (bid === '200' && r.status === 2) {
      // Refusing before posting, as the receipt exists, keeps it too.
      assertOneCleanLine(r.stderr);
      continue;
    }
    assert.equal(r.status, 0, r.stderr);
    posted.push(JSON.parse(r.stdout).comment_id);
  }
  assert.equal(await host.done, 0, host.stderr());

  const files = readdirSync(home);
  const read = (prefix: string) =>
    files
      .filter((f) => f.startsWith(prefix))
      .map((f) => JSON.parse(readFileSync(join(home, f), 'utf8')).comment_id as number)
      .sort((a, b) => a - b);
  // Control: each submission's reply key is kept in a file of its own.
  assert.deepEqual(read('sealbox-reply-key-'), posted);
  // Each submission's receipt is kept too; today the second replaced the first.
  assert.deepEqual(read('sealbox-receipt-'), posted, `receipts in ${files.join(', ')}`);

  // The first (accepted) reply reads with its key and the default receipt file.
  const reply = await sealbox(
    [
      'box',
      'reply',
      box,
      '--repo',
      'demo/sealbox',
      '--trusted-root',
      ctx.stack.trustedRootPath,
      '--reply-key',
      join(
        home,
        files.find((f) => /^sealbox-reply-key-[\w-]+\.json$/.test(f) && !/-2\.json$/.test(f))!,
      ),
      '--receipt',
      join(
        home,
        files.find((f) => /^sealbox-receipt-[\w-]+\.json$/.test(f) && !/-2\.json$/.test(f))!,
      ),
    ],
    { GITHUB_API_URL: ctx.stack.githubApiUrl },
  );
  assert.equal(reply.status, 0, reply.stdout + reply.stderr);
});
