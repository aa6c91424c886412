// Certificates are encoded once (src/adapters/sigstore-verifier.ts): the
// trust material's anchors, and each bundle's signing certificate. Every node
// must still encode to exactly what @sigstore/core encodes it to, as a buffer
// of its own each time, and a tree encoded once cannot be changed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { X509Certificate } from '@sigstore/core';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { encodeOnce, trustMaterial } from '../../src/adapters/sigstore-verifier.ts';
import { embeddedTrustedRoot } from '../../src/sigstore/embedded-root.ts';
import { conformanceCases } from '../helpers/conformance.ts';

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

/** Every certificate the conformance bundles carry (signing certificates and chains), as DER. */
function bundleCertificates(): { name: string; der: Buffer<ArrayBuffer> }[] {
  const out: { name: string; der: Buffer<ArrayBuffer> }[] = [];
  for (const c of conformanceCases()) {
    let bundle: {
      verificationMaterial?: {
        certificate?: { rawBytes?: string };
        x509CertificateChain?: { certificates?: { rawBytes?: string }[] };
      };
    };
    try {
      bundle = JSON.parse(readFileSync(join(c.dir, 'bundle.sigstore.json'), 'utf8'));
    } catch {
      continue; // the malformed-JSON case
    }
    const m = bundle.verificationMaterial;
    const raws = [
      m?.certificate?.rawBytes,
      ...(m?.x509CertificateChain?.certificates ?? []).map((x) => x.rawBytes),
    ];
    raws.forEach((raw, i) => {
      if (raw) out.push({ name: `${c.name} certificate ${i}`, der: Buffer.from(raw, 'base64') });
    });
  }
  return out;
}

test("each node of each bundle's certificates, encoded once, encodes as @sigstore/core's own encoding does", () => {
  const certs = bundleCertificates();
  assert.ok(certs.length >= 30, `${certs.length} certificates`);
  let nodes = 0;
  for (const { name, der } of certs) {
    let once: X509Certificate;
    try {
      once = X509Certificate.parse(der);
    } catch {
      continue; // not a certificate @sigstore/core parses: verification refuses it before encoding
    }
    encodeOnce(once.root as unknown as Node);
    nodes += compare(
      once.root as unknown as Node,
      X509Certificate.parse(der).root as unknown as Node,
      name,
    );
  }
  assert.ok(nodes > 1000, `${nodes} nodes compared`);
});

test('a tree encoded once cannot be changed: a change is an error, never a stale encoding', () => {
  const der = bundleCertificates()[0]!.der;
  const cert = X509Certificate.parse(der);
  encodeOnce(cert.root as unknown as Node);
  // What @sigstore/verify's SCT check does to its copy, tried on the original.
  assert.throws(() => cert.extensions.splice(0, 1), TypeError);
  assert.throws(() => {
    (cert.root as unknown as { value: Buffer }).value = Buffer.alloc(0);
  }, TypeError);
  assert.deepEqual(cert.root.toDER(), X509Certificate.parse(der).root.toDER());
  // The copy that check makes is parsed afresh, so it can still be changed.
  const copy = cert.clone();
  const before = copy.extensions.length;
  copy.extensions.splice(0, 1);
  assert.equal(copy.extensions.length, before - 1);
});
