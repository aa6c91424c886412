// Mutation tests: for every conformance case that verifies, changing any byte
// of what is signed or logged must make verification fail.
//
// Mutated (authenticated): the signature; the leaf certificate (its body and
// its signature); the DSSE payload; the message digest; the log entry body;
// each inclusion proof hash, its root hash, log index and tree size; the
// signed entry timestamp and the integrated time it signs; the checkpoint's
// root hash and signature; each RFC 3161 timestamp; the log id (it selects
// the log key) and the entry's kind/version (must match the body).
//
// Left out on purpose, because nothing authenticates them and verifiers must
// not rely on them: the entry's top-level `logIndex` (informational; the
// proof's own logIndex is what the Merkle path checks) and the bundle's
// `mediaType` beyond the versions we accept (tested in bad-input tests).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { verifyBundle } from '../../src/index.ts';
import { SealboxError } from '../../src/errors.ts';
import { conformanceCases, type ConformanceCase } from '../helpers/conformance.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function flipBase64(value: string, at: 'first' | 'middle' | 'last'): string {
  const bytes = Buffer.from(value, 'base64');
  const i = at === 'first' ? 0 : at === 'last' ? bytes.length - 1 : bytes.length >> 1;
  bytes[i]! ^= 0x01;
  return bytes.toString('base64');
}

/** A mutation edits the bundle in place; it returns false when the field is absent. */
type Mutation = (b: Json) => boolean;

function base64Field(
  get: (b: Json) => [Json, string] | undefined,
  at: 'first' | 'middle' | 'last',
): Mutation {
  return (b) => {
    const slot = get(b);
    if (!slot || typeof slot[0]?.[slot[1]] !== 'string') return false;
    slot[0][slot[1]] = flipBase64(slot[0][slot[1]], at);
    return true;
  };
}

const entry = (b: Json) => b.verificationMaterial.tlogEntries?.[0];
const leaf = (b: Json): [Json, string] | undefined => {
  const vm = b.verificationMaterial;
  const cert = vm.certificate ?? vm.x509CertificateChain?.certificates?.[0];
  return cert ? [cert, 'rawBytes'] : undefined;
};

function checkpointLine(
  pick: (lines: string[]) => number,
  edit: (line: string) => string,
): Mutation {
  return (b) => {
    const cp = entry(b)?.inclusionProof?.checkpoint;
    if (!cp?.envelope) return false;
    const lines: string[] = cp.envelope.split('\n');
    const i = pick(lines);
    assert.ok(i >= 0 && i < lines.length, 'the checkpoint has that line');
    lines[i] = edit(lines[i]!);
    cp.envelope = lines.join('\n');
    return true;
  };
}

const MUTATIONS: Record<string, Mutation> = {};
for (const at of ['first', 'middle', 'last'] as const) {
  MUTATIONS[`signature (${at} byte)`] = base64Field(
    (b) =>
      b.messageSignature
        ? [b.messageSignature, 'signature']
        : [b.dsseEnvelope.signatures[0], 'sig'],
    at,
  );
  MUTATIONS[`certificate (${at} byte)`] = base64Field(leaf, at);
  MUTATIONS[`DSSE payload (${at} byte)`] = base64Field(
    (b) => (b.dsseEnvelope ? [b.dsseEnvelope, 'payload'] : undefined),
    at,
  );
  MUTATIONS[`message digest (${at} byte)`] = base64Field(
    (b) =>
      b.messageSignature?.messageDigest ? [b.messageSignature.messageDigest, 'digest'] : undefined,
    at,
  );
  MUTATIONS[`log entry body (${at} byte)`] = base64Field(
    (b) => [entry(b), 'canonicalizedBody'],
    at,
  );
  MUTATIONS[`signed entry timestamp (${at} byte)`] = base64Field(
    (b) =>
      entry(b)?.inclusionPromise ? [entry(b).inclusionPromise, 'signedEntryTimestamp'] : undefined,
    at,
  );
  MUTATIONS[`inclusion proof root hash (${at} byte)`] = base64Field(
    (b) => (entry(b)?.inclusionProof ? [entry(b).inclusionProof, 'rootHash'] : undefined),
    at,
  );
}
// An RFC 3161 token's signed parts: the TSA's signature (the token's last
// bytes) and the message imprint (the digest of the bundle's signature) in
// the signed TSTInfo. The certificates a token may embed are not signed by
// the TSA, and verification uses the trusted root's TSA chain, not them.
MUTATIONS['RFC 3161 timestamp signature'] = base64Field((b) => {
  const ts = b.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.[0];
  return ts ? [ts, 'signedTimestamp'] : undefined;
}, 'last');
MUTATIONS['RFC 3161 timestamp message imprint'] = (b) => {
  const ts = b.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.[0];
  if (!ts) return false;
  const sig = Buffer.from(
    b.messageSignature?.signature ?? b.dsseEnvelope.signatures[0].sig,
    'base64',
  );
  const der = Buffer.from(ts.signedTimestamp, 'base64');
  const at = der.indexOf(createHash('sha256').update(sig).digest());
  assert.ok(at > 0, 'the token carries the signature digest');
  der[at + 5]! ^= 0x01;
  ts.signedTimestamp = der.toString('base64');
  return true;
};
MUTATIONS['RFC 3161 timestamp wrapper tag'] = base64Field((b) => {
  const ts = b.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.[0];
  return ts ? [ts, 'signedTimestamp'] : undefined;
}, 'first');
MUTATIONS['every inclusion proof hash'] = (b) => {
  const hashes: string[] | undefined = entry(b)?.inclusionProof?.hashes;
  if (!hashes?.length) return false;
  // One mutant per hash would multiply the run; each hash is flipped in turn below instead.
  return true;
};
MUTATIONS['inclusion proof log index'] = (b) => {
  const p = entry(b)?.inclusionProof;
  if (!p) return false;
  p.logIndex = String(BigInt(p.logIndex) + 1n);
  return true;
};
MUTATIONS['inclusion proof tree size'] = (b) => {
  const p = entry(b)?.inclusionProof;
  if (!p) return false;
  p.treeSize = String(BigInt(p.treeSize) + 1n);
  return true;
};
MUTATIONS['integrated time'] = (b) => {
  const e = entry(b);
  if (!e?.inclusionPromise || !e.integratedTime) return false;
  e.integratedTime = String(BigInt(e.integratedTime) + 1n);
  return true;
};
MUTATIONS['checkpoint root hash'] = checkpointLine(
  () => 2,
  (l) => flipBase64(l, 'middle'),
);
// The log's own signature line (the one named by the origin); witnesses'
// cosignatures from keys nobody trusts are ignored by design.
MUTATIONS['checkpoint signature'] = checkpointLine(
  (lines) => lines.findIndex((l) => l.startsWith(`\u2014 ${lines[0]!.split(' ')[0]} `)),
  (l) => {
    const parts = l.split(' ');
    parts[2] = flipBase64(parts[2]!, 'last');
    return parts.join(' ');
  },
);
MUTATIONS['log id'] = base64Field((b) => [entry(b).logId, 'keyId'], 'middle');
MUTATIONS['kind/version'] = (b) => {
  const e = entry(b);
  e.kindVersion.version = e.kindVersion.version === '0.0.1' ? '0.0.2' : '0.0.1';
  return true;
};

function policyOf(c: ConformanceCase) {
  return c.key
    ? { key: readFileSync(c.key, 'utf8') }
    : { certIdentity: c.identity, certOidcIssuer: c.issuer };
}

async function verdict(c: ConformanceCase, bundle: Json): Promise<boolean> {
  try {
    const result = await verifyBundle(
      bundle,
      new Uint8Array(readFileSync(c.artifact)),
      policyOf(c),
      {
        trustedRoot: c.trustedRoot ? readFileSync(c.trustedRoot, 'utf8') : undefined,
      },
    );
    return result.ok;
  } catch (e) {
    // A mutant that no longer parses is rejected as bad input: also a failure.
    if (e instanceof SealboxError) return false;
    throw e;
  }
}

for (const c of conformanceCases().filter((x) => x.shouldPass)) {
  test(`mutations of ${c.name} fail verification`, async () => {
    const original: Json = JSON.parse(readFileSync(c.bundle, 'utf8'));
    assert.equal(
      await verdict(c, structuredClone(original)),
      true,
      'the unmutated bundle verifies',
    );
    const survivors: string[] = [];
    let applied = 0;
    for (const [name, mutate] of Object.entries(MUTATIONS)) {
      if (name === 'every inclusion proof hash') continue;
      const mutant = structuredClone(original);
      if (!mutate(mutant)) continue;
      applied++;
      if (await verdict(c, mutant)) survivors.push(name);
    }
    const hashes: string[] = entry(original)?.inclusionProof?.hashes ?? [];
    for (let i = 0; i < hashes.length; i++) {
      const mutant = structuredClone(original);
      entry(mutant).inclusionProof.hashes[i] = flipBase64(hashes[i]!, 'middle');
      applied++;
      if (await verdict(c, mutant)) survivors.push(`inclusion proof hash ${i}`);
    }
    assert.ok(applied >= 10, `only ${applied} mutations applied`);
    assert.deepEqual(survivors, [], `mutations that still verified: ${survivors.join(', ')}`);
  });
}
