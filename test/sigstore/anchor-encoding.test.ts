// The trust material's anchors are encoded once (src/adapters/sigstore-verifier.ts):
// every node of every anchor certificate must still encode to exactly what
// @sigstore/core encodes it to, as a buffer of its own each time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { trustMaterial } from '../../src/adapters/sigstore-verifier.ts';
import { embeddedTrustedRoot } from '../../src/sigstore/embedded-root.ts';

interface Node {
  subs: Node[];
  toDER(): Buffer;
}

function anchors(material: TrustMaterial): Node[] {
  return [...material.certificateAuthorities, ...material.timestampAuthorities].flatMap((a) =>
    a.certChain.map((c) => c.root as unknown as Node),
  );
}

function compare(cached: Node, fresh: Node, path: string): number {
  assert.equal(cached.subs.length, fresh.subs.length, path);
  let nodes = 1;
  cached.subs.forEach((sub, i) => (nodes += compare(sub, fresh.subs[i]!, `${path}.${i}`)));
  const a = cached.toDER();
  const b = cached.toDER();
  assert.deepEqual(a, fresh.toDER(), `${path} encodes as @sigstore/core does`);
  assert.notEqual(a, b, `${path}: each call gives a buffer of its own`);
  if (a.length) {
    a[0] = a[0]! ^ 0xff;
    assert.deepEqual(
      cached.toDER(),
      fresh.toDER(),
      `${path}: writing into a result changes nothing`,
    );
  }
  return nodes;
}

test("each node of each anchor encodes as @sigstore/core's own encoding does, in a buffer of its own", () => {
  const root = embeddedTrustedRoot();
  const cached = anchors(trustMaterial(root, undefined));
  const fresh = anchors(toTrustMaterial(root.root));
  assert.ok(cached.length > 1 && cached.length === fresh.length);
  let nodes = 0;
  cached.forEach((c, i) => (nodes += compare(c, fresh[i]!, `anchor ${i}`)));
  assert.ok(nodes > 100, `${nodes} nodes compared`);
});

test('the material is built once per root and key, and its anchors are not those of a fresh build', () => {
  const root = embeddedTrustedRoot();
  const a = trustMaterial(root, undefined);
  assert.equal(trustMaterial(root, undefined), a);
  // Control: a fresh build's nodes encode on each call (the prototype's method), the cached ones do not.
  const [fresh] = anchors(toTrustMaterial(root.root));
  const [cached] = anchors(a);
  assert.ok(Object.hasOwn(cached!, 'toDER'));
  assert.ok(!Object.hasOwn(fresh!, 'toDER'));
});
