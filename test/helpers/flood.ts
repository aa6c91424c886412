// A flood: a box receiving junk of every kind (random text, broken armour,
// huge bodies, markdown and unicode tricks, armour copied inside code fences,
// one author posting hundreds) beside valid submissions, over the GitHub bus
// on a local stack of its own, on a simulated clock; with the box's heap
// measured while it runs. Used by test/box/flood.test.ts and
// bench/flood-memory.js.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseManifest, publicKeyOf } from '../../src/box/manifest.ts';
import type { BoxResult } from '../../src/box/result.ts';
import { ARMOUR_BEGIN, ARMOUR_END } from '../../src/box/armour.ts';
import { sealSubmission } from '../../src/box/sealing.ts';
import { sha256Hex } from '../../src/bytes.ts';
import { DevStack } from '../../src/devstack/stack.ts';
import { githubClient } from '../../src/github/client.ts';
import { boxConfig, boxRun } from './box.ts';

export const WINDOW = 600;
export const MAX_BYTES = 16_384;

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

export interface FloodRun {
  result: BoxResult;
  armouredJunk: number;
  seconds: number;
  /** Peak growth of the box's heap over its size when the box started, sampled every 20 ms (MiB). */
  peakMiB: number;
  /**
   * Peak of the box's heap after a full (mark-sweep) collection, as a GC
   * observer reads it (a little later, so what was made since counts too) (MiB).
   */
  retainedMiB: number;
  /** The same, exactly: the heap V8 reports at the end of each mark-sweep (v8.GCProfiler) (MiB). */
  afterMarkSweepMiB: number;
  /**
   * The most the box held over what it held when announced (its code loaded,
   * no comment yet), each read after a full collection at the same points of
   * every run: each wait between polls, and the result's attestation (MiB).
   */
  heldMiB: number;
  /** Where it held the most: `wait N` (the N-th wait) or the result's attestation. */
  heldAt: string;
}

/** What the box's worker asks of the side that holds the stack and the clock. */
export type FloodRequest =
  | { id: number; kind: 'token' }
  | { id: number; kind: 'announced'; manifest: Uint8Array; opensAt: string; issue: number }
  | { id: number; kind: 'sleep'; ms: number };

/**
 * Hosts one x-wing box that receives `valid` submissions and `junk` junk
 * comments, spread evenly over its 10-minute window, on a fresh local stack.
 * The box runs in a worker thread of its own (test/helpers/flood-box.ts), so
 * that its heap is measured apart from the stack's copy of every comment
 * (GitHub's, in a real box); the clock is simulated here.
 */
export async function runFlood(valid: number, junkCount: number): Promise<FloodRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'sealbox-flood-'));
  const stack = await DevStack.start({ stateDir: join(scratch, 'state') });
  const gh = stack.github;
  let now = Date.now();
  gh.now = () => new Date(now);
  let pending: { at: number; login: string; id?: number; body: string }[] = [];
  let armouredJunk = 0;
  let issue = 0;
  const arrive = () => {
    const due = pending.filter((p) => p.at <= now).sort((a, b) => a.at - b.at);
    pending = pending.filter((p) => p.at > now);
    for (const p of due) {
      gh.now = () => new Date(p.at);
      gh.seedComments('demo/flood', issue, gh.user(p.login, p.id), [p.body]);
    }
    gh.now = () => new Date(now);
  };
  const announced = async (manifestBytes: Uint8Array, opensAt: string) => {
    const m = parseManifest(manifestBytes);
    const digest = await sha256Hex(manifestBytes);
    const opens = Date.parse(opensAt);
    const at = (k: number, n: number) => opens + Math.floor(((k + 0.5) * WINDOW * 1000) / n);
    let firstValid = '';
    for (let i = 0; i < valid; i++) {
      const body = await sealSubmission(m, digest, publicKeyOf(m), 50_000 + i, {
        message: String(i),
      });
      firstValid ||= body;
      pending.push({ at: at(i, valid), login: `voter${i}`, id: 50_000 + i, body });
    }
    for (let i = 0; i < junkCount; i++) {
      const j = junk(i, firstValid);
      if (j.armoured) armouredJunk++;
      pending.push({ at: at(i, junkCount), login: j.author, body: j.body });
    }
  };
  const run = boxRun(stack, { repository: 'demo/flood' });
  try {
    gh.putFiles('demo/flood', { README: 'flood' });
    const octokit = githubClient(gh.jobToken('demo/flood'), stack.githubApiUrl);
    await octokit.rest.issues.create({ owner: 'demo', repo: 'flood', title: 'warm-up' });
    const worker = new Worker(new URL('./flood-box.ts', import.meta.url), {
      workerData: {
        apiUrl: stack.githubApiUrl,
        token: gh.jobToken('demo/flood'),
        fulcioUrl: stack.fulcioUrl,
        rekorUrl: stack.rekorUrl,
        now,
        config: boxConfig(
          {
            suite: 'x-wing',
            windowSeconds: WINDOW,
            pollMs: 15_000,
            computation: { name: 'tally', parameters: { choices: ['yes'] } },
          },
          { max_submissions: 100_000, max_bytes: MAX_BYTES },
        ),
      },
    });
    const done = new Promise<Omit<FloodRun, 'armouredJunk'>>((resolve, reject) => {
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the box's worker exited (${code})`)));
      worker.on('message', async (m: FloodRequest | { kind: 'done'; run: FloodRun }) => {
        try {
          if (m.kind === 'done') return resolve(m.run);
          let answer: unknown;
          if (m.kind === 'token') answer = await stack.issuer.mint(run);
          else if (m.kind === 'announced') {
            issue = m.issue;
            await announced(m.manifest, m.opensAt);
          } else {
            now += m.ms;
            arrive();
            answer = now;
          }
          worker.postMessage({ id: m.id, answer });
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    try {
      return { ...(await done), armouredJunk };
    } finally {
      await worker.terminate();
    }
  } finally {
    gh.now = () => new Date();
    await stack.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
