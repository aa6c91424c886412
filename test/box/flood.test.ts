// A flood: a box receiving junk of every kind (random text, broken armour,
// huge bodies, markdown and unicode tricks, armour copied inside code fences,
// one author posting hundreds) beside valid submissions, over the GitHub bus
// on the local stack, on a simulated clock. Every valid submission is
// accepted, every armoured junk comment rejected with a reason, nothing else
// counted, and the heap stays bounded. CI runs a fifth of the size;
// `npm run stress` runs 10,000 junk and 1,000 valid (SEALBOX_FLOOD_SCALE=1).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { hostBox } from '../../src/box/host.ts';
import { parseManifest, publicKeyOf } from '../../src/box/manifest.ts';
import { ARMOUR_BEGIN, ARMOUR_END } from '../../src/box/armour.ts';
import { sealSubmission } from '../../src/box/sealing.ts';
import { sha256Hex } from '../../src/bytes.ts';
import { githubClient } from '../../src/github/client.ts';
import { GitHubIssueBus } from '../../src/github/issue-bus.ts';
import { boxAttester } from '../../src/node/box-attest.ts';
import { boxConfig, boxRun } from '../helpers/box.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const SCALE = Number(process.env.SEALBOX_FLOOD_SCALE ?? '0.2');
const JUNK = Math.round(10_000 * SCALE);
const VALID = Math.round(1_000 * SCALE);
const WINDOW = 600;
const MAX_BYTES = 16_384;

/** Junk of one kind per index; `armoured` says whether it carries armour (and so gets a reason). */
function junk(i: number, validArmour: string): { body: string; armoured: boolean; author: string } {
  const b64 = (n: number) => randomBytes(n).toString('base64');
  switch (i % 10) {
    case 0:
      return { body: `random ${b64(200)}`, armoured: false, author: `noise${i % 97}` };
    case 1: // broken armour: not base64
      return {
        body: `${ARMOUR_BEGIN}\n!!not base64!!\n${ARMOUR_END}`,
        armoured: true,
        author: `x${i}`,
      };
    case 2: // armour that never ends
      return { body: `${ARMOUR_BEGIN}\n${b64(300)}`, armoured: true, author: `x${i}` };
    case 3: // huge
      return {
        body: `${ARMOUR_BEGIN}\n${b64(MAX_BYTES)}\n${ARMOUR_END}`,
        armoured: true,
        author: `x${i}`,
      };
    case 4: // right length, random bytes: does not decrypt
      return {
        body: `${ARMOUR_BEGIN}\n${b64(1200)}\n${ARMOUR_END}`,
        armoured: true,
        author: `x${i}`,
      };
    case 5: // a valid armour copied by someone else, inside a code fence
      return { body: `look:\n\`\`\`\n${validArmour}\n\`\`\``, armoured: true, author: `copy${i}` };
    case 6: // unicode look-alikes and zero-width characters: not armour
      return {
        body: `-----BEGIN SEALB\u041EX SUBMISSION-----\n${b64(100)}\n-----END\u200b SEALBOX SUBMISSION-----`,
        armoured: false,
        author: `u${i}`,
      };
    case 7: // markdown and right-to-left tricks around nothing
      return {
        body: `<details>\u202e${'#'.repeat(50)}</details> **[x](javascript:alert(1))**`,
        armoured: false,
        author: `m${i}`,
      };
    case 8: // one author, many comments of broken armour
      return {
        body: `${ARMOUR_BEGIN}\n${b64(30)}=\n${ARMOUR_END}`,
        armoured: true,
        author: 'spammer',
      };
    default: // empty and whitespace
      return { body: i % 2 ? '' : ' \n\t ', armoured: false, author: `w${i}` };
  }
}

test(`a flood of ${JUNK} junk comments beside ${VALID} valid submissions`, async (t) => {
  const gh = ctx.stack.github;
  let now = Date.now();
  gh.now = () => new Date(now);
  const octokit = githubClient(gh.jobToken('demo/flood'), ctx.stack.githubApiUrl);
  const bus = new GitHubIssueBus(octokit as never, 'demo/flood', undefined, {
    now: () => new Date(now),
  });
  let pending: { at: number; login: string; id?: number; body: string }[] = [];
  const armouredJunk = { count: 0 };
  const announce = bus.announce.bind(bus);
  bus.announce = async (a) => {
    await announce(a);
    const m = parseManifest(a.manifest);
    const digest = await sha256Hex(a.manifest);
    const opens = Date.parse(a.opensAt);
    const at = (k: number, n: number) => opens + Math.floor(((k + 0.5) * WINDOW * 1000) / n);
    let firstValid = '';
    for (let i = 0; i < VALID; i++) {
      const body = await sealSubmission(m, digest, publicKeyOf(m), 50_000 + i, {
        message: String(i),
      });
      firstValid ||= body;
      pending.push({ at: at(i, VALID), login: `voter${i}`, id: 50_000 + i, body });
    }
    for (let i = 0; i < JUNK; i++) {
      const j = junk(i, firstValid);
      if (j.armoured) armouredJunk.count++;
      pending.push({ at: at(i, JUNK), login: j.author, body: j.body });
    }
  };
  const arrive = () => {
    const due = pending.filter((p) => p.at <= now).sort((a, b) => a.at - b.at);
    pending = pending.filter((p) => p.at > now);
    for (const p of due) {
      gh.now = () => new Date(p.at);
      gh.seedComments('demo/flood', bus.issue!, gh.user(p.login, p.id), [p.body]);
    }
    gh.now = () => new Date(now);
  };
  gh.putFiles('demo/flood', { README: 'flood' });
  await octokit.rest.issues.create({ owner: 'demo', repo: 'flood', title: 'warm-up' });
  const run = boxRun(ctx.stack, { repository: 'demo/flood' });
  let peak = 0;
  const base = process.memoryUsage().heapUsed;
  const sampler = setInterval(
    () => (peak = Math.max(peak, process.memoryUsage().heapUsed - base)),
    20,
  );
  const started = performance.now();
  let hosted;
  try {
    hosted = await hostBox(
      {
        bus,
        attest: boxAttester({ fulcioUrl: ctx.stack.fulcioUrl, rekorUrl: ctx.stack.rekorUrl }, () =>
          ctx.stack.issuer.mint(run),
        ),
        now: () => new Date(now),
        sleep: async (ms) => {
          now += ms;
          arrive();
        },
      },
      boxConfig(
        {
          suite: 'x-wing',
          windowSeconds: WINDOW,
          pollMs: 15_000,
          computation: { name: 'tally', parameters: { choices: ['yes'] } },
        },
        { max_submissions: 100_000, max_bytes: MAX_BYTES },
      ),
    );
  } finally {
    clearInterval(sampler);
    gh.now = () => new Date();
  }
  const seconds = (performance.now() - started) / 1000;
  const r = hosted.parsedResult;
  const mib = peak / 2 ** 20;
  t.diagnostic(
    `${JUNK} junk + ${VALID} valid: ${seconds.toFixed(1)} s of work, heap growth peak ${mib.toFixed(0)} MiB (this process also runs the local stack)`,
  );
  assert.equal(r.status, 'complete');
  assert.equal(r.counts.accepted, VALID);
  const accepted = new Set(
    r.submissions.filter((s) => s.status === 'accepted').map((s) => s.author_id),
  );
  for (let i = 0; i < VALID; i++) assert.ok(accepted.has(50_000 + i), `voter${i} accepted`);
  const rejected = r.submissions.filter((s) => s.status === 'rejected');
  assert.equal(
    rejected.length,
    armouredJunk.count,
    'each armoured junk comment rejected, nothing else counted',
  );
  assert.ok(
    rejected.every((s) => s.reason),
    'each with a reason',
  );
  for (const reason of ['malformed', 'too_large', 'undecryptable'])
    assert.ok((r.counts.by_reason as Record<string, number>)[reason]! > 0, reason);
  assert.deepEqual(r.output, { counts: { yes: 0 }, invalid: VALID, ballots: VALID });
  // A bound with room: the stated figure is the diagnostic above.
  assert.ok(mib < 1024, `heap growth ${mib.toFixed(0)} MiB`);
});
