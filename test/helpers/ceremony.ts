// A 2-of-2 key ceremony run on the local stack through the CLI: alice and bob
// submit, the box deals, each reads their share into a reply document.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { firstBoxIssue, hostBoxCli } from './box.ts';
import { sealbox } from './cli.ts';
import type { StackFixture } from './stack.ts';

const REPO = 'demo/sealbox';

/** A 2-of-2 ceremony on the stack; returns the box, its files and each recipient's reply document. */
export async function twoOfTwoCeremony(ctx: StackFixture, runId: number) {
  const { stack, dir } = ctx;
  const file = (name: string) => join(dir, `${runId}-${name}`);
  const run = releasedBoxRun(stack, { runId });
  const out = file('box');
  const host = hostBoxCli(stack, run, [
    '--computation',
    'ceremony',
    '--parameters',
    '{"threshold": 2}',
    '--max-submissions',
    '2',
    '--window',
    '60',
    '--suite',
    'x25519',
    '--out',
    out,
  ]);
  const issue = await firstBoxIssue(stack, 'for the ceremony', runId);
  const box = `${REPO}#${issue}`;
  for (const who of ['alice', 'bob']) {
    const r = await sealbox(
      [
        'box',
        'submit',
        box,
        '-R',
        REPO,
        '--trusted-root',
        ctx.stack.trustedRootPath,
        '--file',
        '-',
        '--receipt-out',
        file(`${who}-receipt.json`),
        '--reply-key-out',
        file(`${who}.key.json`),
      ],
      { GITHUB_TOKEN: stack.github.tokenFor(who), GITHUB_API_URL: stack.githubApiUrl },
      { input: `${who} is ready` },
    );
    assert.equal(r.status, 0, r.stderr);
  }
  assert.equal(await host.done, 0, host.stderr());
  const docs: Record<string, string> = {};
  for (const who of ['alice', 'bob']) {
    const r = await sealbox(
      [
        'box',
        'reply',
        out,
        '-R',
        REPO,
        '--trusted-root',
        ctx.stack.trustedRootPath,
        '--reply-key',
        file(`${who}.key.json`),
        '--out',
        file(`${who}-share.json`),
      ],
      {},
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    docs[who] = file(`${who}-share.json`);
  }
  return { box, file, docs };
}
