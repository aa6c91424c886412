#!/usr/bin/env node
// An agent that bids: reads its work order as JSON on standard input
// ({"bid": "AMOUNT"}), seals the bid to the box (`box submit`, which keeps a
// receipt and a fresh reply key in this directory), waits for the result
// (`box status --events jsonl`), then opens the box's private answer to it
// (`box reply`, which verifies the box first) and prints it as JSON:
// {"box", "comment_id", "answer": {"won": BOOLEAN, "price": AMOUNT|null}}.
// Nobody else can read that answer: it is sealed to this agent's reply key.
//
//   GITHUB_TOKEN=... node worker.mjs OWNER/REPO#ISSUE OWNER/REPO < order.json
import { readFileSync } from 'node:fs';
import { sealbox } from './sealbox.mjs';

const [box, repo] = process.argv.slice(2);
if (!box || !repo) {
  process.stderr.write('usage: node worker.mjs OWNER/REPO#ISSUE OWNER/REPO < order.json\n');
  process.exit(2);
}
const order = JSON.parse(readFileSync(0, 'utf8'));
const fail = (why) => {
  process.stdout.write(`${JSON.stringify({ box, error: why })}\n`);
  process.exit(1);
};

const submitted = await sealbox(
  [
    'box',
    'submit',
    box,
    '--repo',
    repo,
    '--file',
    '-',
    '--receipt-out',
    'receipt.json',
    '--reply-key-out',
    'reply-key.json',
    '--format',
    'json',
  ],
  { input: String(order.bid) },
);
if (submitted.status !== 0) fail('the submission was refused');
const { comment_id: commentId } = JSON.parse(submitted.stdout);

// Until the box has posted its result.
const poll = Number(process.env.POLL_SECONDS ?? '5') * 1000;
for (;;) {
  let closed = false;
  await sealbox(['box', 'status', box, '--events', 'jsonl'], {
    onLine(line) {
      const e = JSON.parse(line);
      closed = e.event === 'closed' && e.result_posted === true;
    },
  });
  if (closed) break;
  await new Promise((r) => setTimeout(r, poll));
}

const replied = await sealbox([
  'box',
  'reply',
  box,
  '--repo',
  repo,
  '--reply-key',
  'reply-key.json',
  '--receipt',
  'receipt.json',
  '--format',
  'json',
]);
const reply = JSON.parse(replied.stdout);
if (!reply.ok) fail(reply.checks.find((c) => !c.ok)?.reason ?? 'no reply');
process.stdout.write(`${JSON.stringify({ box, comment_id: commentId, answer: reply.reply })}\n`);
