// Hosting boxes in tests: a simulated job of sealbox's reusable workflow on
// the local stack, with a real clock and short windows.
import { spawn } from 'node:child_process';
import { Octokit } from '@octokit/rest';
import type { BoxBus } from '../../src/box/bus.ts';
import type { CloseContext } from '../../src/box/close-rules.ts';
import type { BoxKeyPair } from '../../src/box/hpke.ts';
import type { Manifest } from '../../src/box/manifest.ts';
import { boxJudge } from '../../src/box/sealing.ts';
import type { BoxConfig, HostDeps } from '../../src/box/host.ts';
import { DEFAULT_RUN, type RunIdentity } from '../../src/devstack/identity.ts';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import type { ReleaseSource } from '../../src/box/releases.ts';
import { selectReleases } from '../../src/node/releases.ts';
import type { LoadedTrustedRoot } from '../../src/sigstore/trusted-root.ts';
import type { DevStack } from '../../src/devstack/stack.ts';
import { boxAttester } from '../../src/node/box-attest.ts';
import { boxKeyPairOnNode } from '../../src/node/native-hpke.ts';
import { REPO_ROOT } from './cli.ts';

/** A run of sealbox's box workflow at the stack's own release (its tag). */
export function boxRun(stack: DevStack, extra: Partial<RunIdentity> = {}): RunIdentity {
  return releasedBoxRun(stack, extra);
}

/** The release lists a verifier uses with the stack's root: sealbox's own, and the stack's for its CA. */
export async function stackReleases(
  stack: DevStack,
  roots: LoadedTrustedRoot[],
): Promise<ReleaseSource[]> {
  return (await selectReleases(stack.trustedRootPath, roots)).sources;
}

/** The job's side: the bus given, attestations on the stack as `run`. */
export function boxDeps(
  stack: DevStack,
  bus: BoxBus,
  run: RunIdentity = boxRun(stack),
  extra: Partial<HostDeps> = {},
): HostDeps {
  return {
    bus,
    attest: boxAttester({ fulcioUrl: stack.fulcioUrl, rekorUrl: stack.rekorUrl }, () =>
      stack.issuer.mint(run),
    ),
    now: () => new Date(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    generateKey: boxKeyPairOnNode,
    ...extra,
  };
}

/** The run a box's manifest names: the run whose token attests it. */
export function manifestRun(run: RunIdentity = DEFAULT_RUN): BoxConfig['run'] {
  return {
    repository: run.repository,
    workflow_ref: `${run.repository}/${run.workflowPath}@${run.ref}`,
    run_id: String(run.runId),
    run_attempt: String(run.runAttempt),
    sha: run.sha,
  };
}

export function boxConfig(
  extra: Partial<BoxConfig> = {},
  rules: Partial<BoxConfig['rules']> = {},
): BoxConfig {
  return {
    boxId: `box-${Math.random().toString(36).slice(2, 10)}`,
    suite: 'x25519',
    windowSeconds: 1,
    computation: { name: 'reveal', parameters: {} },
    run: manifestRun(),
    pollMs: 100,
    ...extra,
    rules: {
      max_submissions: 10,
      max_bytes: 8192,
      one_per_author: 'first',
      allowed_authors: null,
      min_participants: 0,
      ...rules,
    },
  };
}

/** `sealbox box host ARGS` as a job of `run` on the stack would run it, in the background. */
export function hostBoxCli(stack: DevStack, run: RunIdentity, args: string[]) {
  const host = spawn(process.execPath, [`${REPO_ROOT}bin/sealbox.js`, 'box', 'host', ...args], {
    env: { ...process.env, ...stack.env(run) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  host.stderr.on('data', (d) => (err += d));
  host.stdout.on('data', (d) => (out += d));
  const done = new Promise<number | null>((resolve) => host.on('close', resolve));
  return { done, stderr: () => err, stdout: () => out };
}

/** The number of the first box issue of demo/sealbox (of run `runId` if given), waited for (about 30 s at most). */
export async function firstBoxIssue(stack: DevStack, why = '', runId?: number): Promise<number> {
  const observer = new Octokit({
    auth: stack.github.tokenFor('observer'),
    baseUrl: stack.githubApiUrl,
  });
  for (let i = 0; i < 300; i++) {
    const list = await observer.rest.issues.listForRepo({
      owner: 'demo',
      repo: 'sealbox',
      labels: 'sealbox',
      state: 'all',
    });
    const issue = list.data.find(
      (x) =>
        x.body?.includes('sealbox-manifest') &&
        (runId === undefined || x.title.startsWith(`sealbox box box-${runId}-`)),
    )?.number;
    if (issue) return issue;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the box opened no issue ${why}`);
}

/** The close rules' context a box would use, for classifying comments directly. */
export function closeContext(
  m: Manifest,
  digest: string,
  key: BoxKeyPair,
  opensAt: string,
  closedAt: string,
): CloseContext {
  return {
    rules: m.rules,
    opensAt: Date.parse(opensAt),
    closedAt: Date.parse(closedAt),
    judge: boxJudge(m, digest, key, new Map()),
  };
}
