// Fulcio claims: every extension, both encodings, on real and made certificates.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { test } from 'node:test';
import * as x509 from '@peculiar/x509';
import { parseClaims, FULCIO_CLAIMS } from '../../src/policy/claims.ts';
import { CONFORMANCE_DIR } from '../helpers/conformance.ts';

function leafOf(name: string): Uint8Array {
  const vm = JSON.parse(
    readFileSync(`${CONFORMANCE_DIR}${name}/bundle.sigstore.json`, 'utf8'),
  ).verificationMaterial;
  const raw = vm.certificate?.rawBytes ?? vm.x509CertificateChain.certificates[0].rawBytes;
  return Buffer.from(raw, 'base64');
}

test('a real GitHub Actions certificate yields every named claim', () => {
  const c = parseClaims(leafOf('happy-path-v0.3'));
  const beacon = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon';
  const workflow = `${beacon}/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main`;
  assert.equal(c.subjectAlternativeName, workflow);
  assert.equal(c.issuer, 'https://token.actions.githubusercontent.com');
  assert.equal(c.buildSignerURI, workflow);
  assert.equal(c.buildSignerDigest, 'c7b3dfb335f051e1c86bda4c716fac97df62ad81');
  assert.equal(c.runnerEnvironment, 'github-hosted');
  assert.equal(c.sourceRepositoryURI, beacon);
  assert.equal(c.sourceRepositoryDigest, 'c7b3dfb335f051e1c86bda4c716fac97df62ad81');
  assert.equal(c.sourceRepositoryRef, 'refs/heads/main');
  assert.equal(c.sourceRepositoryIdentifier, '632596897');
  assert.equal(c.sourceRepositoryOwnerURI, 'https://github.com/sigstore-conformance');
  assert.equal(c.sourceRepositoryOwnerIdentifier, '131804563');
  assert.equal(c.buildConfigURI, workflow);
  assert.equal(c.buildConfigDigest, 'c7b3dfb335f051e1c86bda4c716fac97df62ad81');
  assert.equal(c.buildTrigger, 'workflow_dispatch');
  assert.equal(c.runInvocationURI, `${beacon}/actions/runs/8347481628/attempts/1`);
  assert.equal(c.sourceRepositoryVisibilityAtSigning, 'public');
  // Legacy raw-encoded extensions read as text too.
  assert.equal(c.githubWorkflowTrigger, 'workflow_dispatch');
  assert.equal(
    c.githubWorkflowRepository,
    'sigstore-conformance/extremely-dangerous-public-oidc-beacon',
  );
  assert.equal(
    c.extensions['1.3.6.1.4.1.57264.1.1'],
    'https://token.actions.githubusercontent.com',
  );
  assert.equal(c.notBefore, '2024-03-19T17:26:26.000Z');
});

test('PEM text parses like DER', () => {
  const der = leafOf('happy-path-v0.3');
  const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
  assert.deepEqual(parseClaims(pem), parseClaims(der));
});

async function certificateWith(extensions: [string, Uint8Array][], san?: string) {
  x509.cryptoProvider.set(webcrypto as Crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '02',
    name: 'CN=sigstore-test',
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2026-01-01T00:10:00Z'),
    signingAlgorithm: alg,
    keys,
    extensions: [
      ...(san ? [new x509.SubjectAlternativeNameExtension([{ type: 'url', value: san }])] : []),
      ...extensions.map(
        ([oid, value]) => new x509.Extension(oid, false, value as Uint8Array<ArrayBuffer>),
      ),
    ],
  });
  return new Uint8Array(cert.rawData);
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const derUtf8 = (s: string) => {
  const body = utf8(s);
  return Uint8Array.from([0x0c, body.length, ...body]);
};

test('the legacy raw issuer (.1) is used when the DER issuer (.8) is absent', async () => {
  const der = await certificateWith(
    [['1.3.6.1.4.1.57264.1.1', utf8('https://accounts.example.com')]],
    'https://example.com/me',
  );
  const c = parseClaims(der);
  assert.equal(c.issuer, 'https://accounts.example.com');
  assert.equal(c.subjectAlternativeName, 'https://example.com/me');
});

test('the DER issuer (.8) wins over the legacy one, and every DER claim decodes', async () => {
  const exts: [string, Uint8Array][] = [['1.3.6.1.4.1.57264.1.1', utf8('https://legacy.example')]];
  for (let n = 8; n <= 24; n++) exts.push([`1.3.6.1.4.1.57264.1.${n}`, derUtf8(`value-${n}`)]);
  exts.push(['1.3.6.1.4.1.57264.1.99', derUtf8('a future claim')]);
  const c = parseClaims(await certificateWith(exts));
  assert.equal(c.issuer, 'value-8');
  for (let n = 9; n <= 24; n++) {
    const name = FULCIO_CLAIMS[`1.3.6.1.4.1.57264.1.${n}` as keyof typeof FULCIO_CLAIMS];
    assert.equal((c as Record<string, unknown>)[name], `value-${n}`, name);
  }
  assert.equal(c.extensions['1.3.6.1.4.1.57264.1.99'], 'a future claim');
});

test('garbage is an input error, not a crash', () => {
  assert.throws(() => parseClaims(new Uint8Array([1, 2, 3])), { code: 'INPUT_INVALID' });
  assert.throws(() => parseClaims('not pem'), { code: 'INPUT_INVALID' });
});

test('every truncation and many byte flips of a certificate give INPUT_INVALID or claims, never a crash', () => {
  const der = leafOf('happy-path-v0.3');
  for (let n = 0; n < der.length; n++) {
    assert.throws(
      () => parseClaims(der.subarray(0, n)),
      { code: 'INPUT_INVALID' },
      `truncated at ${n}`,
    );
  }
  for (let i = 0; i < der.length; i += 3) {
    const copy = Uint8Array.from(der);
    copy[i]! ^= 0xff;
    try {
      parseClaims(copy);
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'INPUT_INVALID', `flip at ${i}: ${String(e)}`);
    }
  }
});
