// Envelope checks on node:crypto's synchronous SHA-256 and Ed25519 (what Node
// runs) give exactly what WebCrypto's give (what the browser runs): the real
// InferenceBench envelopes, with and without their anchor, and made-up ones
// whose signature, key or body is wrong in every way a stranger can make it.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { contentHash, parseEnvelope } from '../../src/envelope/envelope.ts';
import {
  verifyEnvelope,
  webCryptoPrimitives,
  type EnvelopeCrypto,
  type EnvelopeTrust,
} from '../../src/envelope/verify.ts';
import { SigstoreSignatureVerifier } from '../../src/adapters/sigstore-verifier.ts';
import { nodeEnvelopeCrypto } from '../../src/node/envelope-crypto.ts';
import { SHARED } from '../helpers/cli.ts';

const IB = `${SHARED}fixtures/inferencebench/`;
const marathon = readFileSync(`${IB}cosign-2026-05-18-marathon.pub`, 'utf8');

function trust(devKeys: string[], primitives: EnvelopeCrypto): EnvelopeTrust {
  return {
    devKeys: devKeys.map((pem, i) => ({ label: `k${i}`, pem })),
    trustedRoots: [],
    verifier: new SigstoreSignatureVerifier(),
    crypto: primitives,
  };
}

/** The verdict, or the input error, of one envelope under each implementation. */
async function both(text: string, devKeys: string[]) {
  const outcome = async (primitives: EnvelopeCrypto) => {
    try {
      return await verifyEnvelope(parseEnvelope(text, 'e.json'), trust(devKeys, primitives));
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  return { web: await outcome(webCryptoPrimitives), node: await outcome(nodeEnvelopeCrypto) };
}

test('the real envelopes: the same verdicts, with the anchor, without it, against another key', async () => {
  const other = generateKeyPairSync('ed25519')
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  const files = [
    ...readdirSync(`${IB}envelopes`).map((n) => `${IB}envelopes/${n}`),
    ...readdirSync(`${IB}other-keys`).map((n) => `${IB}other-keys/${n}`),
  ];
  let passed = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const keys of [[marathon], [], [other], [other, marathon]]) {
      const r = await both(text, keys);
      assert.deepEqual(r.node, r.web, `${f} with ${keys.length} anchors`);
      if ('ok' in r.node && r.node.ok) passed++;
    }
  }
  assert.ok(passed >= 20, `the fixtures pass where they should (${passed})`);
});

test('made-up envelopes: the same verdicts and the same input errors for every damage', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const ecPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  // An Ed25519 key of small order (the identity point): imports, verifies nothing.
  const smallOrder = `-----BEGIN PUBLIC KEY-----\n${Buffer.concat([
    Buffer.from('302a300506032b6570032100', 'hex'),
    Buffer.from('01'.padEnd(64, '0'), 'hex'),
  ]).toString('base64')}\n-----END PUBLIC KEY-----\n`;
  const body = { envelope_version: 'v1', run_id: 'r1', suite_id: 's', score: 0.5 };
  const hash = await contentHash(parseEnvelope(JSON.stringify(body), 'b'));
  const good = sign(null, Buffer.from(hash), privateKey);
  const envelope = (signature: Record<string, unknown>, b: object = body) =>
    JSON.stringify({ ...b, signature: { method: 'dev-key', rekor_log_index: -1, ...signature } });
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  const cases: [string, string, string[]][] = [
    ['valid', envelope({ certificate: pem, bundle: b64(good) }), [pem]],
    ['valid, no anchor given', envelope({ certificate: pem, bundle: b64(good) }), []],
    ['valid, another anchor', envelope({ certificate: pem, bundle: b64(good) }), [marathon]],
    [
      'body changed after signing',
      envelope({ certificate: pem, bundle: b64(good) }, { ...body, score: 0.6 }),
      [pem],
    ],
    ['random signature', envelope({ certificate: pem, bundle: b64(randomBytes(64)) }), [pem]],
    ['63-byte signature', envelope({ certificate: pem, bundle: b64(good.subarray(1)) }), [pem]],
    ['empty signature', envelope({ certificate: pem, bundle: '' }), [pem]],
    [
      '65-byte signature',
      envelope({ certificate: pem, bundle: b64(Buffer.concat([good, Buffer.from([0])])) }),
      [pem],
    ],
    ['signature not base64', envelope({ certificate: pem, bundle: '!!' }), [pem]],
    ['an EC key embedded', envelope({ certificate: ecPem, bundle: b64(good) }), [pem]],
    ['an EC key as the anchor', envelope({ certificate: pem, bundle: b64(good) }), [ecPem]],
    ['not PEM', envelope({ certificate: 'hello', bundle: b64(good) }), [pem]],
    [
      'a small-order key, all-zero signature',
      envelope({ certificate: smallOrder, bundle: b64(new Uint8Array(64)) }),
      [smallOrder],
    ],
  ];
  for (const [what, text, keys] of cases) {
    const r = await both(text, keys);
    assert.deepEqual(r.node, r.web, what);
  }
  const valid = await both(cases[0]![1], [pem]);
  assert.equal('ok' in valid.node && valid.node.ok, true, 'the control verifies');
});
