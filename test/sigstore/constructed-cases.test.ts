// Cases built here from the real fixtures, for rules the conformance subset we
// have does not exercise: malformed trusted roots, a timestamp authority
// borrowing another's validity, a swapped log entry, several timestamps, a
// decoy intermediate with the same name, and in-toto statements of unknown
// type in an otherwise valid bundle.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { toDSSEBundle, bundleToJSON } from '@sigstore/bundle';
import { verifyBundle, embeddedTrustedRoot, SealboxError } from '../../src/index.ts';
import { CONFORMANCE_DIR, DEFAULT_IDENTITY, DEFAULT_ISSUER } from '../helpers/conformance.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const read = (p: string) => readFileSync(`${CONFORMANCE_DIR}${p}`, 'utf8');
const json = (p: string): Json => JSON.parse(read(p));
const artifact = new Uint8Array(readFileSync(`${CONFORMANCE_DIR}a.txt`));
const policy = { certIdentity: DEFAULT_IDENTITY, certOidcIssuer: DEFAULT_ISSUER };
const publicGood = () => structuredClone(embeddedTrustedRoot().json) as Json;

async function rejectsAsInput(p: Promise<unknown>, code: string, pattern: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SealboxError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

test('baseline: happy-path-v0.3 verifies against the embedded root', async () => {
  const r = await verifyBundle(json('happy-path-v0.3/bundle.sigstore.json'), artifact, policy);
  assert.equal(r.ok, true, JSON.stringify(r.checks));
});

test('a trusted root whose log key has no validity start is refused, not read as unbounded', async () => {
  const root = publicGood();
  delete root.tlogs[0].publicKey.validFor.start;
  await rejectsAsInput(
    verifyBundle(json('happy-path-v0.3/bundle.sigstore.json'), artifact, policy, {
      trustedRoot: root,
    }),
    'TRUSTED_ROOT_INVALID',
    /tlogs\.0\.publicKey\.validFor\.start is missing/,
  );
});

test('trusted root defects are each refused with the field named', async () => {
  const cases: [string, (r: Json) => void, RegExp][] = [
    [
      'CA without validity',
      (r) => delete r.certificateAuthorities[1].validFor,
      /certificateAuthorities\.1\.validFor/,
    ],
    [
      'CT log key without start',
      (r) => delete r.ctlogs[1].publicKey.validFor.start,
      /ctlogs\.1\.publicKey\.validFor\.start/,
    ],
    [
      'TSA with no certificates',
      (r) => (r.timestampAuthorities[0].certChain.certificates = []),
      /has no certificates/,
    ],
    [
      'validity ending before it starts',
      (r) => (r.tlogs[0].publicKey.validFor.end = '2020-01-01T00:00:00Z'),
      /ends before it starts/,
    ],
    [
      'truncated key',
      (r) => (r.tlogs[0].publicKey.rawBytes = r.tlogs[0].publicKey.rawBytes.slice(0, -3)),
      /rawBytes/,
    ],
    ['unknown media type', (r) => (r.mediaType = 'application/json'), /mediaType/],
    ['no log id', (r) => delete r.tlogs[0].logId, /tlogs\.0\.logId/],
  ];
  for (const [name, edit, message] of cases) {
    const root = publicGood();
    edit(root);
    await rejectsAsInput(
      verifyBundle(json('happy-path-v0.3/bundle.sigstore.json'), artifact, policy, {
        trustedRoot: root,
      }),
      'TRUSTED_ROOT_INVALID',
      message,
    ).catch((e) => assert.fail(`${name}: ${e.message}`));
  }
});

test('a timestamp authority cannot borrow the validity of another entry', async () => {
  // The TSA that signed the timestamp stopped being valid before it; a second
  // entry with a chain of its own covers the time. Verification must fail.
  const bundle = json('rekor2-happy-path/bundle.sigstore.json');
  const root = json('rekor2-happy-path/trusted_root.json');
  const tsa = root.timestampAuthorities[0];
  const borrowed = structuredClone(
    json('intoto-with-custom-trust-root/trusted_root.json').timestampAuthorities[0],
  );
  tsa.validFor = { start: '2020-01-01T00:00:00Z', end: '2020-06-01T00:00:00Z' };
  borrowed.validFor = { start: '2020-01-01T00:00:00Z' };
  root.timestampAuthorities.push(borrowed);
  const r = await verifyBundle(bundle, artifact, policy, { trustedRoot: root });
  assert.equal(r.ok, false);
  assert.equal(r.checks.find((c) => c.name === 'signature')?.code, 'TIMESTAMP_ERROR');
});

test('every timestamp is checked, not only the earliest', async () => {
  const bundle = json('rekor2-happy-path/bundle.sigstore.json');
  const late = json('rekor2-timestamp-with-incorrect-time_fail/bundle.sigstore.json');
  assert.equal(
    bundle.messageSignature.signature,
    late.messageSignature.signature,
    'same signature',
  );
  const stamp = late.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0];
  stamp.signedTimestamp = stamp.signedTimestamp.replace(/\n/g, '');
  bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps.push(stamp);
  const r = await verifyBundle(bundle, artifact, policy, {
    trustedRoot: read('rekor2-happy-path/trusted_root.json'),
  });
  assert.equal(r.ok, false);
  assert.equal(r.checks.find((c) => c.name === 'signature')?.ok, false);
});

test('a log entry swapped in from another signature is rejected (CVE-2022-36056)', async () => {
  const bundle = json('happy-path-v0.3/bundle.sigstore.json');
  const other = json('happy-path-v0.2/bundle.sigstore.json');
  bundle.verificationMaterial.tlogEntries = other.verificationMaterial.tlogEntries;
  const r = await verifyBundle(bundle, artifact, policy);
  assert.equal(r.ok, false);
  // Its integrated time also falls outside this certificate's validity, so the
  // first failure reported may be the certificate's; either way it fails.
  assert.match(r.checks.find((c) => c.name === 'signature')!.code, /^(TLOG|CERTIFICATE)/);
});

test('a decoy intermediate with the same subject name does not break the SCT check', async () => {
  const root = publicGood();
  const genuine = root.certificateAuthorities[1];
  const intermediate = new x509.X509Certificate(
    Buffer.from(genuine.certChain.certificates[0].rawBytes, 'base64'),
  );
  x509.cryptoProvider.set(webcrypto as Crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const decoy = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: new x509.Name(intermediate.subjectName.toArrayBuffer()),
    notBefore: intermediate.notBefore,
    notAfter: intermediate.notAfter,
    signingAlgorithm: alg,
    keys: keys as CryptoKeyPair,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  assert.deepEqual(
    Buffer.from(decoy.subjectName.toArrayBuffer()),
    Buffer.from(intermediate.subjectName.toArrayBuffer()),
  );
  root.certificateAuthorities.unshift({
    ...structuredClone(genuine),
    certChain: { certificates: [{ rawBytes: Buffer.from(decoy.rawData).toString('base64') }] },
  });
  const r = await verifyBundle(json('happy-path-v0.3/bundle.sigstore.json'), artifact, policy, {
    trustedRoot: root,
  });
  assert.equal(r.ok, true, JSON.stringify(r.checks));
});

// A key-signed DSSE bundle made here, so the statement can be anything.
function keySignedStatement(statement: unknown, payloadType = 'application/vnd.in-toto+json') {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const payload = Buffer.from(JSON.stringify(statement));
  const pae = Buffer.concat([
    Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `),
    payload,
  ]);
  const bundle = toDSSEBundle({
    artifact: payload,
    artifactType: payloadType,
    signature: sign('sha256', pae, privateKey),
    keyHint: '',
  });
  return {
    bundle: bundleToJSON(bundle),
    key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const subject = [
  { name: 'a.txt', digest: { sha256: createHash('sha256').update(artifact).digest('hex') } },
];

test('a valid key-signed in-toto statement verifies (control for the cases below)', async () => {
  const { bundle, key } = keySignedStatement({
    _type: 'https://in-toto.io/Statement/v1',
    subject,
    predicateType: 'https://example.com/p',
    predicate: {},
  });
  const r = await verifyBundle(bundle, artifact, { key, ignoreTlog: true });
  assert.equal(r.ok, true, JSON.stringify(r.checks));
});

for (const [name, statement] of [
  [
    'an unknown statement type',
    { _type: 'https://in-toto.io/Statement/v2', subject, predicateType: 'p' },
  ],
  ['a statement without _type', { subject, predicateType: 'p' }],
] as const) {
  test(`${name} is not read as an in-toto v1 statement`, async () => {
    const { bundle, key } = keySignedStatement(statement);
    const r = await verifyBundle(bundle, artifact, { key, ignoreTlog: true });
    assert.equal(r.ok, false);
    assert.equal(r.checks.find((c) => c.name === 'statement')?.code, 'STATEMENT_INVALID');
  });
}

test('a key-signed bundle without a log entry fails unless the log is explicitly waived', async () => {
  const { bundle, key } = keySignedStatement({
    _type: 'https://in-toto.io/Statement/v1',
    subject,
    predicateType: 'p',
  });
  const r = await verifyBundle(bundle, artifact, { key });
  assert.equal(r.ok, false);
  // The signature itself is checked; the log rule fails by name and says how to waive it.
  assert.equal(r.checks.find((c) => c.name === 'signature')!.ok, true);
  const log = r.checks.find((c) => c.name === 'log_entry')!;
  assert.equal(log.code, 'TLOG_MISSING');
  assert.match(log.reason, /no transparency-log entry .*add --insecure-ignore-tlog to accept that/);
  const waived = await verifyBundle(bundle, artifact, { key, ignoreTlog: true });
  assert.equal(waived.ok, true, JSON.stringify(waived.checks));
  // Signed by another key, it fails on its signature, log or no log.
  const other = keySignedStatement({
    _type: 'https://in-toto.io/Statement/v1',
    subject,
    predicateType: 'p',
  });
  const wrong = await verifyBundle(bundle, artifact, { key: other.key });
  assert.equal(wrong.checks.find((c) => c.name === 'signature')!.ok, false);
});
