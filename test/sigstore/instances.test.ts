// Which Sigstore instance issued a bundle, and what verification then asks of
// it: the root of that instance only (when sealbox chose the roots), and the
// instance's time source (public-good: a log entry and SCTs; GitHub's: an
// RFC 3161 timestamp). The Sigstore verifier is replaced by a recorder here;
// the real verifier runs in test/cli/github-instance.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { test } from 'node:test';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import fc from 'fast-check';
import { SealboxError } from '../../src/errors.ts';
import { embeddedTrustedRoot } from '../../src/sigstore/embedded-root.ts';
import { bundleInstance, nameOrganization } from '../../src/sigstore/instances.ts';
import { parseBundle } from '../../src/sigstore/bundle.ts';
import { parseTrustedRoot, type LoadedTrustedRoot } from '../../src/sigstore/trusted-root.ts';
import {
  verifyBundles,
  type SignatureVerifier,
  type TrustOptions,
} from '../../src/sigstore/verify-bundle.ts';
import { CONFORMANCE_DIR, DEFAULT_IDENTITY, DEFAULT_ISSUER } from '../helpers/conformance.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const json = (p: string): Json => JSON.parse(readFileSync(`${CONFORMANCE_DIR}${p}`, 'utf8'));
const PUBLIC_GOOD_BUNDLE = 'happy-path-v0.3/bundle.sigstore.json';
// A public-good leaf with an RFC 3161 timestamp, and the root holding that TSA.
const TIMESTAMPED_BUNDLE = 'rekor2-happy-path/bundle.sigstore.json';
const TIMESTAMPED_ROOT = 'rekor2-happy-path/trusted_root.json';

const publicGood = (): LoadedTrustedRoot => ({ ...embeddedTrustedRoot(), instance: 'public-good' });
const parsed = (bundle: Json) => parseBundle(bundle, 'bundle');
/** A GitHub-like root: the timestamp authority of TIMESTAMPED_ROOT, no certificate authority. */
function githubRoot(): LoadedTrustedRoot {
  const root = json(TIMESTAMPED_ROOT);
  root.certificateAuthorities = [];
  return { ...parseTrustedRoot(root, 'github'), instance: 'github' };
}

/** A certificate issued (self-signed here) under the given issuer name: only its names matter. */
async function certificateIssuedBy(issuer: string): Promise<string> {
  x509.cryptoProvider.set(webcrypto as Crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: issuer,
    notBefore: new Date('2026-01-01'),
    notAfter: new Date('2026-01-02'),
    signingAlgorithm: alg,
    keys: keys as CryptoKeyPair,
  });
  return Buffer.from(cert.rawData).toString('base64');
}

async function bundleIssuedBy(issuer: string): Promise<Json> {
  const bundle = json(TIMESTAMPED_BUNDLE);
  bundle.verificationMaterial.certificate.rawBytes = await certificateIssuedBy(issuer);
  return bundle;
}

/** Records what verification asked of the Sigstore verifier, and passes. */
function recorder() {
  const calls: TrustOptions[] = [];
  const verifier: SignatureVerifier = {
    verify: async (_bundle, _artifact, trust) => void calls.push(trust),
  };
  return { calls, verifier };
}

const policy = {
  kind: 'identity' as const,
  identity: {
    issuer: DEFAULT_ISSUER,
    signer: { kind: 'identity' as const, identity: DEFAULT_IDENTITY },
  },
};

test("a leaf certificate's issuer organization: GitHub, Inc. is GitHub's instance, others public-good", async () => {
  const github = parsed(await bundleIssuedBy('CN=Fulcio Intermediate l2, O="GitHub, Inc."'));
  const other = parsed(await bundleIssuedBy('CN=sigstore-intermediate, O=sigstore.dev'));
  assert.equal(bundleInstance(github.bundle, []), 'github');
  assert.equal(bundleInstance(other.bundle, []), 'public-good');
  assert.equal(
    bundleInstance(parsed(json(PUBLIC_GOOD_BUNDLE)).bundle, [publicGood()]),
    'public-good',
  );
  const name = new x509.Name('CN=x, O="GitHub, Inc."').toArrayBuffer();
  const contents = new Uint8Array(name).subarray(2); // the Name SEQUENCE's contents
  assert.equal(nameOrganization(contents), 'GitHub, Inc.');
});

test("a leaf issued by a certificate in a loaded GitHub root is GitHub's, whatever its name", async () => {
  const bundle = parsed(json(PUBLIC_GOOD_BUNDLE)).bundle;
  // Tag the public-good root as GitHub's: its Fulcio intermediate now names GitHub's instance.
  const asGithub = { ...embeddedTrustedRoot(), instance: 'github' as const };
  assert.equal(bundleInstance(bundle, [asGithub]), 'github');
  assert.equal(bundleInstance(bundle, [publicGood()]), 'public-good');
});

test("an RFC 3161 timestamp signed by a GitHub root's authority makes the bundle GitHub's", () => {
  const bundle = parsed(json(TIMESTAMPED_BUNDLE)).bundle;
  const githubTsa = githubRoot();
  assert.equal(bundleInstance(bundle, [publicGood()]), 'public-good');
  assert.equal(bundleInstance(bundle, [publicGood(), githubTsa]), 'github');
});

test('unreadable certificate and timestamp bytes are no evidence, not a crash', () => {
  const bundle = json(TIMESTAMPED_BUNDLE);
  bundle.verificationMaterial.certificate.rawBytes = Buffer.from('not DER').toString('base64');
  bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp =
    Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]).toString('base64');
  assert.equal(bundleInstance(parsed(bundle).bundle, [publicGood()]), 'public-good');
});

test('any certificate and timestamp bytes (random, or real ones mutated) give an instance, never a throw', () => {
  const real = json(TIMESTAMPED_BUNDLE);
  const cert = Buffer.from(real.verificationMaterial.certificate.rawBytes, 'base64');
  const stamp = Buffer.from(
    real.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp,
    'base64',
  );
  const mutated = (bytes: Buffer) =>
    fc
      .array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      })
      .map((edits) => {
        const copy = Buffer.from(bytes);
        for (const [at, value] of edits) copy[at] = value;
        return copy;
      });
  const bytes = (b: Buffer) =>
    fc.oneof(fc.uint8Array({ maxLength: 64 }).map(Buffer.from), mutated(b));
  const roots = [publicGood(), githubRoot()];
  fc.assert(
    fc.property(bytes(cert), bytes(stamp), (c, t) => {
      const bundle = structuredClone(real);
      bundle.verificationMaterial.certificate.rawBytes = c.toString('base64');
      bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp =
        t.toString('base64');
      let input;
      try {
        input = parsed(bundle).bundle;
      } catch (e) {
        if (e instanceof SealboxError) return; // refused as input before any choice
        throw e;
      }
      const instance = bundleInstance(input, roots);
      assert.ok(instance === 'github' || instance === 'public-good');
    }),
    { numRuns: Number(process.env.SEALBOX_FUZZ_RUNS ?? '300') },
  );
});

test('chosen roots: a public-good bundle goes to the public-good root only, with its log rules', async () => {
  const { calls, verifier } = recorder();
  const github = githubRoot();
  const r = await verifyBundles([parsed(json(PUBLIC_GOOD_BUNDLE))], undefined, policy, {
    trustedRoots: [github, publicGood()],
    verifier,
  });
  assert.equal(r.checks.find((c) => c.name === 'signature')?.ok, true);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.trustedRoot.instance, 'public-good');
  assert.deepEqual(
    [calls[0]!.requireTlog, calls[0]!.requireSct, calls[0]!.requireSignedTimestamp],
    [true, true, false],
  );
});

test("chosen roots: a GitHub-issued bundle goes to GitHub's root only, timed by RFC 3161, no log", async () => {
  const { calls, verifier } = recorder();
  const github = githubRoot();
  const bundle = parsed(await bundleIssuedBy('CN=Fulcio Intermediate l2, O="GitHub, Inc."'));
  await verifyBundles([bundle], undefined, policy, {
    trustedRoots: [publicGood(), github],
    verifier,
  });
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.trustedRoot, github);
  assert.deepEqual(
    [calls[0]!.requireTlog, calls[0]!.requireSct, calls[0]!.requireSignedTimestamp],
    [false, false, true],
  );
});

test('a GitHub-issued bundle with no GitHub root at hand fails with the command that fetches one', async () => {
  const { calls, verifier } = recorder();
  const bundle = parsed(await bundleIssuedBy('CN=Fulcio Intermediate l2, O="GitHub, Inc."'));
  const r = await verifyBundles([bundle], undefined, policy, {
    trustedRoots: [publicGood()],
    verifier,
  });
  const signature = r.checks.find((c) => c.name === 'signature')!;
  assert.equal(r.ok, false);
  assert.equal(signature.code, 'TRUSTED_ROOT_MISSING');
  assert.match(signature.reason, /sealbox trusted-root update --instance github/);
  assert.equal(calls.length, 0, 'no root of another instance was tried');
});

test('a GitHub-issued bundle without an RFC 3161 timestamp fails: nothing else times it', async () => {
  const { calls, verifier } = recorder();
  const bundle = await bundleIssuedBy('CN=Fulcio Intermediate l2, O="GitHub, Inc."');
  delete bundle.verificationMaterial.timestampVerificationData;
  const github = githubRoot();
  const r = await verifyBundles([parsed(bundle)], undefined, policy, {
    trustedRoots: [publicGood(), github],
    verifier,
  });
  const signature = r.checks.find((c) => c.name === 'signature')!;
  assert.equal(signature.code, 'TIMESTAMP_ERROR');
  assert.match(signature.reason, /no RFC 3161 timestamp/);
  assert.equal(calls.length, 0);
});

test('roots the user gave (no instance) are all tried, in order, as before', async () => {
  const { calls, verifier } = recorder();
  const given = [json(TIMESTAMPED_ROOT), embeddedTrustedRoot().json].map((r, i) =>
    parseTrustedRoot(r, `given#${i + 1}`),
  );
  const failing: SignatureVerifier = {
    verify: async (b, a, trust) => {
      await verifier.verify(b, a, trust);
      if (trust.trustedRoot === given[0]) throw { code: 'CERTIFICATE_ERROR', message: 'no chain' };
    },
  };
  const r = await verifyBundles([parsed(json(PUBLIC_GOOD_BUNDLE))], undefined, policy, {
    trustedRoots: given,
    verifier: failing,
  });
  assert.equal(r.checks.find((c) => c.name === 'signature')?.ok, true);
  assert.deepEqual(
    calls.map((c) => c.trustedRoot.source),
    ['given#1', 'given#2'],
  );
});
