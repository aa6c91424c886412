// Which release lists a verifier on Node uses: the one sealbox ships, and a
// local stack's (releases.json beside the --trusted-root given) for that
// stack's own CA only, never for a root that holds a public-good CA or
// another CA beside it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { selectReleases, shippedReleases } from '../../src/node/releases.ts';
import { embeddedTrustedRoot } from '../../src/sigstore/embedded-root.ts';
import { parseTrustedRootText } from '../../src/sigstore/trusted-root.ts';
import { REPO_ROOT } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

const caDigest = (root: {
  certificateAuthorities: { certChain: { certificates: { rawBytes: string }[] } }[];
}) =>
  createHash('sha256')
    .update(
      Buffer.from(root.certificateAuthorities[0]!.certChain.certificates[0]!.rawBytes, 'base64'),
    )
    .digest('hex');

/** A directory holding `root` as trusted_root.json and `list` as releases.json. */
function pair(name: string, root: unknown, list?: unknown): string {
  const dir = join(ctx.dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(root));
  if (list !== undefined) writeFileSync(join(dir, 'releases.json'), JSON.stringify(list));
  return join(dir, 'trusted_root.json');
}

const select = async (file: string) =>
  selectReleases(file, parseTrustedRootText(readFileSync(file, 'utf8'), file));

test("the stack's own list speaks for its root; nothing else does", async () => {
  const stackRoot = JSON.parse(readFileSync(ctx.stack.trustedRootPath, 'utf8'));
  const stackList = JSON.parse(
    readFileSync(join(ctx.stack.state.dir, 'releases.json'), 'utf8'),
  ) as { certificate_authority: string; releases: unknown[] };
  assert.equal(stackList.certificate_authority, caDigest(stackRoot));
  assert.equal(stackList.certificate_authority, ctx.stack.authority);

  const own = await select(ctx.stack.trustedRootPath);
  assert.equal(own.sources.length, 2);
  assert.deepEqual(own.sources[1]!.roots, [ctx.stack.trustedRootPath]);
  assert.match(own.notes[0]!, /apply to certificates of its own CA only \(v\d+\.\d+\.\d+\)/);

  // No list beside the root: sealbox's own list alone.
  const bare = await select(pair('bare', stackRoot));
  assert.equal(bare.sources.length, 1);
  assert.deepEqual(bare.notes, []);

  // A list naming no CA, or another CA than the root's: ignored, with a note.
  const unscoped: Record<string, unknown> = { ...stackList };
  delete unscoped.certificate_authority;
  const ignored = [
    await select(pair('unscoped', stackRoot, unscoped)),
    await select(
      pair('other-ca', stackRoot, { ...stackList, certificate_authority: 'f'.repeat(64) }),
    ),
  ];
  for (const r of ignored) {
    assert.equal(r.sources.length, 1);
    assert.match(r.notes[0]!, /ignored/);
  }

  // The public-good root with a list that names its CA: never scoped.
  const publicGood = embeddedTrustedRoot().json as Parameters<typeof caDigest>[0];
  const pg = await select(
    pair('public-good', publicGood, { ...stackList, certificate_authority: caDigest(publicGood) }),
  );
  assert.equal(pg.sources.length, 1);
  assert.match(pg.notes[0]!, /public-good CA: ignored/);

  // The stack's CA beside a public-good CA in one root: a public-good certificate
  // would verify against that root, so the list speaks for it not at all.
  const mixed = {
    ...stackRoot,
    certificateAuthorities: [
      ...stackRoot.certificateAuthorities,
      ...publicGood.certificateAuthorities,
    ],
  };
  const both = await select(pair('mixed', mixed, stackList));
  assert.equal(both.sources.length, 1);
  assert.match(both.notes[0]!, /ignored/);
});

test("sealbox's shipped list must not name a CA, and a missing one is an incomplete installation", () => {
  assert.equal(shippedReleases().list.certificate_authority, undefined);
  const dir = join(ctx.dir, 'install');
  mkdirSync(dir, { recursive: true });
  assert.throws(
    () => shippedReleases(new URL(`file://${dir}/`)),
    /sealbox's own release list is missing: this installation of sealbox is incomplete; reinstall it/,
  );
  writeFileSync(
    join(dir, 'releases.json'),
    JSON.stringify({
      ...JSON.parse(readFileSync(`${REPO_ROOT}releases.json`, 'utf8')),
      certificate_authority: 'e'.repeat(64),
    }),
  );
  assert.throws(() => shippedReleases(new URL(`file://${dir}/`)), /it is a local stack's/);
});

test('a releases.json beside the root that is a named pipe or too large is refused at once, naming it', async () => {
  const stackRoot = JSON.parse(readFileSync(ctx.stack.trustedRootPath, 'utf8'));
  const fifoRoot = pair('fifo', stackRoot);
  const fifo = join(ctx.dir, 'fifo', 'releases.json');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(select(fifoRoot), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'INPUT_INVALID');
    assert.match(e.message, /releases\.json: is not a regular file/);
    return true;
  });
  // Over 4 MiB: refused by its size, not parsed (a sparse giant is refused as fast).
  const bigRoot = pair('big', stackRoot);
  const big = join(ctx.dir, 'big', 'releases.json');
  writeFileSync(big, '');
  truncateSync(big, 3 * 1024 ** 3);
  const started = Date.now();
  await assert.rejects(select(bigRoot), /releases\.json: is larger than 4194304 bytes/);
  assert.ok(Date.now() - started < 1000, 'refused by its size');
});
