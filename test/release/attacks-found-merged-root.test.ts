// A local stack's release list applies only to certificates verified against
// a root whose only certificate authority is that stack's (sealed-box v1.1,
// section 9, "Which lists apply"). A root that carries a second CA's
// certificates inside the one certificate authority entry (its certChain)
// still has the stack's CA first, so the stack's releases.json beside it
// vouches for the other CA's certificates too: here, a box of a second stack
// at a commit that second stack never released. With the public-good CA's
// certificates in that chain, a stack's list (anyone can write one) would
// vouch for public-good boxes at any commit the list names.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitSealbox, listSealboxRelease } from '../../src/devstack/index.ts';
import { DevStack } from '../../src/devstack/stack.ts';
import { sealbox } from '../helpers/cli.ts';
import { dispatchBox } from '../helpers/box-workflow.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

type Root = {
  certificateAuthorities: { certChain: { certificates: unknown[] } }[];
  tlogs: unknown[];
  ctlogs: unknown[];
  timestampAuthorities?: unknown[];
};

test("a stack's release list does not vouch for another CA's certificates hidden in its root's one CA entry", async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'sealbox-merged-root-'));
  const other = await DevStack.start({ stateDir: join(scratch, 'state') });
  try {
    // The other stack: a box at a commit of its sealbox/sealbox that it never released.
    const unreleased = commitSealbox(other, { changes: { 'NOTES.md': 'never released\n' } });
    const { job, url } = await dispatchBox(other, 'acme/other', unreleased);
    assert.equal(job.conclusion, 'success', job.log);
    const verify = (root: string) =>
      sealbox(
        ['box', 'verify', url, '--trusted-root', root, '--repo', 'acme/other', '--format', 'json'],
        { GITHUB_API_URL: other.githubApiUrl },
      );
    const releaseCheck = (stdout: string) =>
      (JSON.parse(stdout).checks as { name: string; ok: boolean; code: string }[]).find(
        (c) => c.name === 'release',
      )!;

    // Control: against its own root, the box fails `release`.
    const own = await verify(other.trustedRootPath);
    assert.equal(own.status, 1, own.stdout + own.stderr);
    assert.equal(releaseCheck(own.stdout).code, 'UNRELEASED');

    // This stack lists that commit in its own releases.json (a stack's list is its owner's to write).
    listSealboxRelease(ctx.stack, { tag: 'v0.0.3', commit: unreleased });
    const mine = JSON.parse(readFileSync(ctx.stack.trustedRootPath, 'utf8')) as Root;
    const theirs = JSON.parse(readFileSync(other.trustedRootPath, 'utf8')) as Root;
    // One CA entry: this stack's CA certificate first, the other stack's after it; both stacks' logs.
    const merged: Root = {
      ...mine,
      certificateAuthorities: [
        {
          ...mine.certificateAuthorities[0]!,
          certChain: {
            certificates: [
              ...mine.certificateAuthorities[0]!.certChain.certificates,
              ...theirs.certificateAuthorities[0]!.certChain.certificates,
            ],
          },
        },
      ],
      tlogs: [...mine.tlogs, ...theirs.tlogs],
      ctlogs: [...mine.ctlogs, ...theirs.ctlogs],
      timestampAuthorities: [
        ...(mine.timestampAuthorities ?? []),
        ...(theirs.timestampAuthorities ?? []),
      ],
    };
    const dir = join(scratch, 'handed');
    mkdirSync(dir);
    writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(merged));
    writeFileSync(
      join(dir, 'releases.json'),
      readFileSync(join(ctx.stack.state.dir, 'releases.json')),
    );

    const v = await verify(join(dir, 'trusted_root.json'));
    // The other stack's certificates verify against this root (so it is a root for them) ...
    const checks = JSON.parse(v.stdout).checks as { name: string; ok: boolean }[];
    assert.ok(checks.find((c) => c.name === 'manifest_bundle')!.ok, v.stdout);
    // ... and this stack's list must not count for them: the box stays unreleased.
    assert.equal(v.status, 1, `the other CA's unreleased box verified OK:\n${v.stdout}`);
    assert.equal(releaseCheck(v.stdout).code, 'UNRELEASED');
  } finally {
    await other.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
});
