// The directory bus, for local use: a whole box over files, verified; and a
// receipt whose comment the operator deleted fails the receipt check.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hostBox } from '../../src/box/host.ts';
import { parseManifest, publicKeyOf } from '../../src/box/manifest.ts';
import { findArmour } from '../../src/box/armour.ts';
import { sealSubmission } from '../../src/box/sealing.ts';
import { sha256Hex } from '../../src/bytes.ts';
import { DEFAULT_BOX_SIGNER, verifyBox } from '../../src/box/verify.ts';
import { DirectoryBus } from '../../src/node/directory-bus.ts';
import { SigstoreSignatureVerifier } from '../../src/adapters/sigstore-verifier.ts';
import { policyFromFlags } from '../../src/policy/identity.ts';
import { parseTrustedRootText } from '../../src/sigstore/trusted-root.ts';
import { boxConfig, boxDeps, stackReleases } from '../helpers/box.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

test('a box over a directory: participants post files, the result verifies; a deleted comment fails its receipt', async () => {
  const dir = join(ctx.dir, 'bus');
  const bus = new DirectoryBus(dir);
  const hosting = hostBox(
    boxDeps(ctx.stack, bus),
    boxConfig({ boxId: 'directory-0001', windowSeconds: 2, settleMs: 200 }),
  );
  let a = bus.announcement();
  while (!a) {
    await new Promise((r) => setTimeout(r, 50));
    a = bus.announcement();
  }
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(a!.opensAt) - Date.now() + 50)));
  const m = parseManifest(a.manifest);
  const digest = await sha256Hex(a.manifest);
  const receipts = [];
  for (const [id, login] of [
    [11, 'ann'],
    [12, 'ben'],
  ] as const) {
    const body = await sealSubmission(m, digest, publicKeyOf(m), id, {
      message: `hello from ${login}`,
    });
    const c = await bus.post({ id, login }, body);
    receipts.push({
      box_id: m.box_id,
      comment_id: c.id,
      ciphertext_sha256: await sha256Hex(new TextEncoder().encode(findArmour(body)!)),
    });
  }
  // The operator deletes ben's comment before the close.
  rmSync(join(dir, 'comments', readdirSync(join(dir, 'comments')).sort()[1]!));
  const hosted = await hosting;
  const roots = parseTrustedRootText(readFileSync(ctx.stack.trustedRootPath, 'utf8'), 'root');
  const opts = {
    policy: policyFromFlags({ repo: 'demo/sealbox' }, { defaultSigner: DEFAULT_BOX_SIGNER }),
    trustedRoots: roots,
    verifier: new SigstoreSignatureVerifier(),
    releases: await stackReleases(ctx.stack, roots),
  };
  const files = {
    manifest: hosted.manifest,
    manifestBundle: hosted.manifestBundle,
    result: hosted.result,
    resultBundle: hosted.resultBundle,
  };
  const ann = await verifyBox(files, { ...opts, receipt: receipts[0] });
  assert.equal(ann.ok, true, JSON.stringify(ann.checks.filter((c) => !c.ok)));
  assert.deepEqual(
    (hosted.parsedResult.output as { submissions: { message: string }[] }).submissions.map(
      (s) => s.message,
    ),
    ['hello from ann'],
  );
  const ben = await verifyBox(files, { ...opts, receipt: receipts[1] });
  assert.equal(ben.ok, false);
  assert.match(ben.checks.find((c) => c.name === 'receipt')!.reason, /not in the result/);
  assert.ok(readFileSync(join(dir, 'result.md'), 'utf8').includes('sealbox-result'));
});
