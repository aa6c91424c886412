// The box's cost in rate-limited GitHub requests: 1,000 submissions arriving
// evenly over a 10-minute window, polled every 15 s, on a simulated clock.
// The floor, what a box cannot do without: one request per poll that found
// something new, the pages of one complete listing twice (v1.1 lists until
// two listings agree), and the fixed calls (create the issue, announce the
// manifest, lock, one per result part, close). Target: at most 1.1x, every
// comment still seen. Status edits of the issue body (at most one a minute)
// and GraphQL queries (the edit records, a separate rate limit) are counted
// and reported apart. (The job also stores two attestations after the
// ceremony, on both sides of the ratio; the bench hosts the ceremony only.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultTexts } from '../src/box/bus.ts';
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
import { boxKeyPairOnNode } from '../src/node/native-hpke.ts';

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

// Account each request to the bus call that made it: REST (the core rate
// limit; a 304 costs nothing) apart from GraphQL.
const counts = { polls: 0, final: 0, status: 0, rest: 0 };
const graphql = { polls: 0, final: 0, status: 0, rest: 0 };
const calls = {};
const invoked = {};
const polls = { total: 0, foundNew: 0 };
let seen = 0;
const account =
  (phase, fn, name) =>
  async (...args) => {
    const before = gh.log.length;
    invoked[name] = (invoked[name] ?? 0) + 1;
    try {
      return await fn(...args);
    } finally {
      const made = gh.log.slice(before).filter((r) => r.status !== 304);
      const gql = made.filter((r) => r.path === '/graphql').length;
      counts[phase] += made.length - gql;
      graphql[phase] += gql;
      calls[name] = (calls[name] ?? 0) + made.length - gql;
    }
  };
const poll = bus.poll.bind(bus);
bus.poll = account(
  'polls',
  async () => {
    const r = await poll();
    polls.total++;
    if (r.length > seen) polls.foundNew++;
    seen = r.length;
    return r;
  },
  'poll',
);
for (const m of ['comments', 'commentsWithEditRecords', 'editRecords'])
  bus[m] = account('final', bus[m].bind(bus), m);
bus.status = account('status', bus.status.bind(bus), 'status');
for (const m of ['open', 'announce', 'lock', 'publishResult', 'close'])
  bus[m] = account('rest', bus[m].bind(bus), m);

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
    generateKey: boxKeyPairOnNode,
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

// The listings' pages: 100 comments a page, every comment (the submissions and the result parts).
const listings = invoked.commentsWithEditRecords ?? invoked.comments ?? 0;
const pagesOfOneListing = Math.ceil(SUBMISSIONS / 100);
const resultParts = (await resultTexts(hosted.result, hosted.resultBundle)).length;
const fixed = 1 + 1 + 1 + resultParts + 1;
const floor = polls.foundNew + 2 * pagesOfOneListing + fixed;
const made = counts.polls + counts.final + counts.rest;
console.log(
  `box over the GitHub bus: ${SUBMISSIONS} submissions over ${WINDOW / 60} minutes, polled every ${POLL / 1000} s (simulated clock)`,
);
console.log(`  accepted: ${hosted.parsedResult.counts.accepted} of ${SUBMISSIONS}`);
console.log(
  `  rate-limited REST requests: ${made} = polls ${counts.polls} (${polls.total} polls, ${polls.foundNew} found something new) + final listings ${counts.final} + fixed calls ${counts.rest} (${Object.entries(
    calls,
  )
    .filter(
      ([name]) =>
        !['poll', 'status', 'comments', 'commentsWithEditRecords', 'editRecords'].includes(name),
    )
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')})`,
);
console.log(
  `  floor: ${floor} = polls that found something new ${polls.foundNew} + 2 listings x ${pagesOfOneListing} pages + fixed calls ${fixed}; ratio ${(made / floor).toFixed(2)}x (target <= 1.10x)`,
);
console.log(
  `  apart: status edits ${counts.status} (with them: ${((made + counts.status) / floor).toFixed(2)}x the floor); GraphQL queries ${graphql.polls + graphql.final + graphql.status + graphql.rest} (edit records, ${listings} listings)`,
);
