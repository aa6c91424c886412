#!/usr/bin/env node
// The agent that opens a box: dispatches the box workflow with `sealbox box
// run --events jsonl` and follows its events. It prints one JSON object per
// line: {"opened": BOX, ...} as soon as the box's manifest is verified (hand
// BOX to the bidders), then {"verified": true|false, "output": ...} once the
// result is verified. Exit code: sealbox's (0 when the result verified).
//
//   GITHUB_TOKEN=... node operator.mjs OWNER/REPO [WORKFLOW] [window=SECONDS] [bidders=N]
import { sealbox } from './sealbox.mjs';

const [repo, workflow = 'agents.yml', ...fields] = process.argv.slice(2);
if (!repo) {
  process.stderr.write('usage: node operator.mjs OWNER/REPO [WORKFLOW] [key=value ...]\n');
  process.exit(2);
}
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const { status } = await sealbox(
  [
    'box',
    'run',
    '--repo',
    repo,
    '--workflow',
    workflow,
    ...fields.flatMap((f) => ['-f', f]),
    '--interval',
    process.env.POLL_SECONDS ?? '5',
    '--events',
    'jsonl',
  ],
  {
    onLine(line) {
      const e = JSON.parse(line);
      if (e.event === 'opened')
        say({
          opened: e.box,
          box_id: e.box_id,
          computation: e.computation,
          closes_at: e.closes_at,
        });
      if (e.event === 'verified') say({ verified: e.ok, status: e.status, output: e.output });
    },
  },
);
process.exit(status ?? 2);
