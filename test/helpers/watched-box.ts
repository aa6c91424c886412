// A box hosted on the local stack over the GitHub bus as the job
// (github-actions[bot]), short and unsigned, watched from outside: its
// manifest once announced and what its last poll returned; and users of the
// stack to act on its issue (participants, strangers, the owner as operator).
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import type { BusComment } from '../../src/box/close-rules.ts';
import { hostBox, type HostedBox } from '../../src/box/host.ts';
import { parseManifest, publicKeyOf } from '../../src/box/manifest.ts';
import { sealSubmission } from '../../src/box/sealing.ts';
import { sha256Hex } from '../../src/bytes.ts';
import { GitHubIssueBus } from '../../src/github/issue-bus.ts';
import { boxConfig, boxDeps } from './box.ts';
import type { StackFixture } from './stack.ts';

export const REPO = { owner: 'demo', repo: 'sealbox' };
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export interface WatchedBox {
  hosted: Promise<HostedBox>;
  issue: number;
  /** What the box's last poll returned. */
  polled(): BusComment[];
  /** Waits (up to 5 s) until a poll of the box returned a comment like this; true if one did. */
  seen(like: (c: BusComment) => boolean): Promise<boolean>;
  /** A user of the stack, with their token. */
  client(login: string): Octokit;
  /** That user's sealed submission to this box. */
  sealed(login: string, message: string): Promise<string>;
  /**
   * The user deletes their account: GitHub shows their comments as the
   * ghost's (login `ghost`, id 10137). Returns how it now shows this comment.
   */
  toGhost(
    login: string,
    commentId: number,
  ): Promise<Awaited<ReturnType<Octokit['rest']['issues']['getComment']>>['data']>;
}

/** Opens the box (a 6-second window, polled every 200 ms) and waits for its announcement. */
export async function watchedBox(ctx: StackFixture): Promise<WatchedBox> {
  const gh = ctx.stack.github;
  const octokit = (auth: string) =>
    new Octokit({ auth, baseUrl: ctx.stack.githubApiUrl, log: quiet });
  let manifestBytes: Uint8Array | undefined;
  let polled: BusComment[] = [];
  class Watched extends GitHubIssueBus {
    override async announce(a: Parameters<GitHubIssueBus['announce']>[0]) {
      manifestBytes = a.manifest;
      return super.announce(a);
    }
    override async poll() {
      polled = await super.poll();
      return polled;
    }
  }
  const bus = new Watched(octokit(gh.jobToken('demo/sealbox')) as never, 'demo/sealbox');
  const hosted = hostBox(
    boxDeps(ctx.stack, bus),
    boxConfig({ windowSeconds: 6, pollMs: 200 }, { max_submissions: 10, allowed_authors: null }),
  );
  for (let i = 0; i < 100 && !manifestBytes; i++) await sleep(50);
  assert.ok(manifestBytes, 'the box announced its manifest');
  const manifest = parseManifest(manifestBytes);
  const digest = await sha256Hex(manifestBytes);
  return {
    hosted,
    issue: bus.issue!,
    polled: () => polled,
    seen: async (like) => {
      for (let i = 0; i < 100; i++) {
        if (polled.some(like)) return true;
        await sleep(50);
      }
      return false;
    },
    client: (login) => octokit(gh.tokenFor(login)),
    sealed: (login, message) =>
      sealSubmission(manifest, digest, publicKeyOf(manifest), gh.user(login).id, { message }),
    toGhost: async (login, commentId) => {
      Object.assign(gh.user(login), { login: 'ghost', id: 10137 });
      return (
        await octokit(gh.tokenFor('observer')).rest.issues.getComment({
          ...REPO,
          comment_id: commentId,
        })
      ).data;
    },
  };
}
