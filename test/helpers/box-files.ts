// Boxes of every computation for the page's tests: hosted in this process on
// the local stack (attested as sealbox's reusable box workflow), with sealed
// submissions and, to fill the transcript, a duplicate, a re-posted copy of
// another participant's ciphertext and a malformed comment. Written as the
// four files `box host --out` writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARMOUR_BEGIN, ARMOUR_END } from '../../src/box/armour.ts';
import { hostBox } from '../../src/box/host.ts';
import type { RunIdentity } from '../../src/devstack/identity.ts';
import type { DevStack } from '../../src/devstack/stack.ts';
import { boxConfig, boxDeps, boxRun, manifestRun } from './box.ts';
import { MemoryBus } from './memory-bus.ts';

/** The participants' messages, then the adversarial few: a second submission, a copy, and noise. */
const busFor = (messages: string[]) =>
  new MemoryBus(
    messages.map((message, i) => ({
      id: 500 + i,
      login: `participant${i + 1}`,
      plaintext: { message },
    })),
    'demo/sealbox#1',
    async (post, seal, sealed) => {
      post({ id: 500, login: 'participant1' }, await seal(500, { message: messages[0]! }));
      post({ id: 666, login: 'mallory' }, sealed[1] ?? sealed[0]!);
      post({ id: 667, login: 'trudy' }, `${ARMOUR_BEGIN}\nnot a sealed submission\n${ARMOUR_END}`);
    },
  );

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
  /** Another identity for the box workflow (a branch, an unlisted commit). */
  workflow: Partial<RunIdentity> = {},
): Promise<HostedFiles> {
  const run = boxRun(stack, { runId, ...workflow });
  const config = boxConfig(
    {
      computation,
      run: manifestRun(run),
    },
    { min_participants: 2 },
  );
  const hosted = await hostBox(boxDeps(stack, busFor(messages), run), config);
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
