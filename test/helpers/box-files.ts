// Boxes of every computation for the page's tests: hosted in this process on
// the local stack (attested as sealbox's reusable box workflow), with sealed
// submissions and, to fill the transcript, a duplicate, a re-posted copy of
// another participant's ciphertext and a malformed comment. Written as the
// four files `box host --out` writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Announcement, BoxBus } from '../../src/box/bus.ts';
import { hostBox } from '../../src/box/host.ts';
import { parseManifest, publicKeyOf } from '../../src/box/manifest.ts';
import {
  ARMOUR_BEGIN,
  ARMOUR_END,
  sealSubmission,
  sha256Hex,
  type BusComment,
} from '../../src/box/submissions.ts';
import type { DevStack } from '../../src/devstack/stack.ts';
import { boxConfig, boxDeps, boxRun } from './box.ts';

class MemoryBus implements BoxBus {
  readonly address = 'demo/sealbox#1';
  readonly comments_: BusComment[] = [];
  readonly messages: string[];
  constructor(messages: string[]) {
    this.messages = messages;
  }
  async announce(a: Announcement) {
    const m = parseManifest(a.manifest);
    const digest = await sha256Hex(a.manifest);
    const post = (author_id: number, author_login: string, body: string) =>
      this.comments_.push({
        id: 1000 + this.comments_.length,
        author_id,
        author_login,
        created_at: a.opensAt,
        updated_at: a.opensAt,
        body,
      });
    const bodies: string[] = [];
    for (const [i, message] of this.messages.entries()) {
      const body = await sealSubmission(m, digest, publicKeyOf(m), 500 + i, { message });
      bodies.push(body);
      post(500 + i, `participant${i + 1}`, body);
    }
    // The adversarial few: a second submission, a copy, and noise.
    post(
      500,
      'participant1',
      await sealSubmission(m, digest, publicKeyOf(m), 500, { message: this.messages[0]! }),
    );
    post(666, 'mallory', bodies[1] ?? bodies[0]!);
    post(667, 'trudy', `${ARMOUR_BEGIN}\nnot a sealed submission\n${ARMOUR_END}`);
  }
  async comments() {
    return this.comments_;
  }
  async publishResult() {}
  async close() {}
}

export interface HostedFiles {
  dir: string;
  boxId: string;
}

/** Hosts one box of `computation` over `messages`, writes its four files under `dir`. */
export async function hostComputation(
  stack: DevStack,
  dir: string,
  computation: { name: string; parameters: Record<string, unknown> },
  messages: string[],
  runId = 4242,
): Promise<HostedFiles> {
  const run = boxRun({ runId });
  const config = boxConfig(
    {
      computation,
      run: {
        repository: 'demo/sealbox',
        workflow_ref: 'x',
        run_id: String(runId),
        run_attempt: '1',
        sha: run.sha,
      },
    },
    { min_participants: 2 },
  );
  const hosted = await hostBox(boxDeps(stack, new MemoryBus(messages), run), config);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), hosted.manifest);
  writeFileSync(join(dir, 'manifest.sigstore.json'), JSON.stringify(hosted.manifestBundle));
  writeFileSync(join(dir, 'result.json'), hosted.result);
  writeFileSync(join(dir, 'result.sigstore.json'), JSON.stringify(hosted.resultBundle));
  return { dir, boxId: config.boxId };
}

export const BOX_FILES = [
  'manifest.json',
  'manifest.sigstore.json',
  'result.json',
  'result.sigstore.json',
];
