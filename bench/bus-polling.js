// The box's cost in rate-limited GitHub requests: 1,000 submissions arriving
// evenly over a 10-minute window, polled every 15 s, on a simulated clock.
// Floor: one request per poll that finds something new (40) plus the final
// listing (10 pages); target at most 1.3x. (The seed's prototype read one
// unpaginated page: 30 of the 1,000 comments.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostBox } from '../src/box/host.ts';
import { parseManifest, publicKeyOf } from '../src/box/manifest.ts';
import { sealSubmission } from '../src/box/sealing.ts';
import { sha256Hex } from '../src/bytes.ts';
import { releasedBoxRun } from '../src/devstack/index.ts';
import { DevStack } from '../src/devstack/stack.ts';
import { githubClient } from '../src/github/client.ts';
import { GitHubIssueBus } from '../src/github/issue-bus.ts';
import { boxConfig } from '../test/helpers/box.ts';
import { boxAttester } from '../src/node/box-attest.ts';

const SUBMISSIONS = 1000;
const WINDOW = 600;
const POLL = 15_000;
const scratch = mkdtempSync(join(tmpdir(), 'sealbox-bench-bus-'));
const stack = await DevStack.start({ stateDir: join(scratch, 'state') });
const gh = stack.github;
let now = Date.now();
gh.now = () => new Date(now);
const octokit = githubClient(gh.jobToken('demo/sealbox'), stack.githubApiUrl);
const bus = new GitHubIssueBus(octokit, 'demo/sealbox', undefined, { now: () => new Date(now) });

// Account each request to the bus call that made it.
const counts = { polls: 0, final: 0, status: 0, rest: 0 };
const polls = { total: 0, foundNew: 0 };
let seen = 0;
const account =
  (phase, fn) =>
  async (...args) => {
    const before = gh.log.length;
    try {
      return await fn(...args);
    } finally {
      counts[phase] += gh.log.slice(before).filter((r) => r.status !== 304).length;
    }
  };
const poll = bus.poll.bind(bus);
bus.poll = account('polls', async () => {
  const r = await poll();
  polls.total++;
  if (r.length > seen) polls.foundNew++;
  seen = r.length;
  return r;
});
bus.comments = account('final', bus.comments.bind(bus));
bus.status = account('status', bus.status.bind(bus));
for (const m of ['open', 'announce', 'lock', 'publishResult', 'close'])
  bus[m] = account('rest', bus[m].bind(bus));

// Submissions, sealed when the box announces itself, arrive on the simulated clock.
let pending = [];
const announce = bus.announce;
bus.announce = async (a) => {
  await announce(a);
  const m = parseManifest(a.manifest);
  const digest = await sha256Hex(a.manifest);
  const opens = Date.parse(a.opensAt);
  for (let i = 0; i < SUBMISSIONS; i++) {
    const body = await sealSubmission(m, digest, publicKeyOf(m), 10_000 + i, {
      message: String(i),
    });
    pending.push({
      at: opens + Math.floor(((i + 0.5) * WINDOW * 1000) / SUBMISSIONS),
      author: gh.user(`p${i}`, 10_000 + i),
      body,
    });
  }
};
const arrive = () => {
  const due = pending.filter((p) => p.at <= now);
  pending = pending.filter((p) => p.at > now);
  for (const p of due) {
    gh.now = () => new Date(p.at);
    gh.seedComments('demo/sealbox', bus.issue, p.author, [p.body]);
  }
  gh.now = () => new Date(now);
};

const run = releasedBoxRun(stack);
const hosted = await hostBox(
  {
    bus,
    attest: boxAttester({ fulcioUrl: stack.fulcioUrl, rekorUrl: stack.rekorUrl }, () =>
      stack.issuer.mint(run),
    ),
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
      arrive();
    },
  },
  boxConfig(
    {
      boxId: 'bench-bus-0001',
      windowSeconds: WINDOW,
      computation: { name: 'stats', parameters: {} },
      pollMs: POLL,
    },
    { max_submissions: 5000, max_bytes: 65536 },
  ),
);
await stack.stop();
rmSync(scratch, { recursive: true, force: true });

const total = counts.polls + counts.final + counts.status + counts.rest;
const floor = polls.foundNew + Math.ceil(SUBMISSIONS / 100);
console.log(
  `box over the GitHub bus: ${SUBMISSIONS} submissions over ${WINDOW / 60} minutes, polled every ${POLL / 1000} s (simulated clock)`,
);
console.log(`  accepted: ${hosted.parsedResult.counts.accepted} of ${SUBMISSIONS}`);
console.log(
  `  rate-limited requests: ${total} = polls ${counts.polls} (${polls.total} polls, ${polls.foundNew} found something new) + final listing ${counts.final} + status ${counts.status} + the rest ${counts.rest}`,
);
console.log(
  `  floor (polls that found something new + final listing pages): ${floor}; ratio ${(total / floor).toFixed(2)}x (target <= 1.30x)`,
);
