// What attack tests on the local stack share: clients acting as users, the
// operator or the box's own account; boxes hosted by `box host` in a
// simulated job of sealbox's reusable workflow; message files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import type { RunIdentity } from '../../src/devstack/identity.ts';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import type { DevStack } from '../../src/devstack/stack.ts';
import { firstBoxIssue, hostBoxCli } from './box.ts';

export const REPO = { owner: 'demo', repo: 'sealbox' };
/** The operator: the owner of demo/sealbox, who may edit and delete anyone's comments. */
export const OPERATOR = 'demo';

/** The environment of a CLI run as `login` against the stack's API. */
export const asUser = (stack: DevStack, login: string) => ({
  GITHUB_TOKEN: stack.github.tokenFor(login),
  GITHUB_API_URL: stack.githubApiUrl,
});

/** A client acting as a user, or as the box's account (the job's token) for 'github-actions[bot]'. */
export const clientAs = (stack: DevStack, login: string) =>
  new Octokit({
    auth:
      login === 'github-actions[bot]'
        ? stack.github.jobToken('demo/sealbox')
        : stack.github.tokenFor(login),
    baseUrl: stack.githubApiUrl,
  });

/** A run of sealbox's box workflow at the stack's own release. */
export function attackRun(stack: DevStack, runId: number): RunIdentity {
  return releasedBoxRun(stack, { runId });
}

/** A box hosted by `box host` in a simulated job; resolves once announced, with its issue. */
export async function hostAttackBox(stack: DevStack, dir: string, runId: number, args: string[]) {
  const out = join(dir, `box-${runId}`);
  const host = hostBoxCli(stack, attackRun(stack, runId), [
    '--suite',
    'x25519',
    '--out',
    out,
    ...args,
  ]);
  const issue = await firstBoxIssue(stack, host.stderr(), runId);
  return { issue, box: `demo/sealbox#${issue}`, host, out };
}

/** A file holding `text`, under dir/messages. */
export function messageFile(dir: string, name: string, text: string): string {
  mkdirSync(join(dir, 'messages'), { recursive: true });
  const f = join(dir, 'messages', name);
  writeFileSync(f, text);
  return f;
}
