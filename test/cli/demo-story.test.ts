// The demo tells its story to someone who never heard of sealed boxes: why
// nobody can read a bid before the close, the bids revealed after it, what
// second price means, what each rejection was; and no library log lines.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sealbox } from '../helpers/cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sealbox-demo-story-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('demo --adversarial: the story, the revealed bids, second price, each rejection told', async () => {
  const out = join(scratch, 'box');
  const r = await sealbox([
    'demo',
    '--out',
    out,
    '--state',
    join(scratch, 'state'),
    '--adversarial',
  ]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const text = r.stdout;
  // Why nobody, the operator included, can read a bid before the close.
  assert.match(text, /holds a private key only in its memory/);
  assert.match(text, /The operator who started the job cannot either/);
  // The bids, revealed after the close, as the result has them.
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
  const bids = result.output.bids as { author_login: string; amount: string }[];
  assert.equal(bids.length, 3);
  assert.match(text, /The bids, revealed after the close/);
  for (const b of bids) assert.match(text, new RegExp(`^  ${b.author_login} +${b.amount}$`, 'm'));
  // What second price means, and the outcome in those terms.
  assert.match(text, /the highest bid wins and its bidder pays the second-highest bid/);
  const sorted = [...bids].sort((a, b) => Number(b.amount) - Number(a.amount));
  assert.match(
    text,
    new RegExp(
      `^Outcome: ${sorted[0]!.author_login} wins and pays ${sorted[1]!.amount} \\(${sorted[1]!.author_login}'s bid\\)\\.$`,
      'm',
    ),
  );
  // Every rejection, with what it was.
  for (const line of [
    /^ {2}mallory +undecryptable: a copy of alice's ciphertext re-posted by mallory/m,
    /^ {2}oscar +malformed: .*no ciphertext/m,
    /^ {2}trudy +too_large: trudy's bid padded to \d+ bytes, over the box's limit of 4096/m,
    /^ {2}peggy +edited: peggy replaced her bid of 150 with 999 by editing her comment/m,
    /^ {2}bob +duplicate: a second bid from bob/m,
    /^ {2}victor +late: victor posted his bid after the close/m,
  ])
    assert.match(text, line);
  assert.match(text, /^Checked here: all checks pass\.$/m);
  // No library log lines (Octokit prints its requests, 304s included, unless told not to).
  assert.doesNotMatch(text + r.stderr, /\b304\b|GET \/repos|POST \/repos|with id UNKNOWN/);
  assert.equal(r.stderr, '');
});
