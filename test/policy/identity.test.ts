// The identity policy as pure code: the rules gh applies without writing them down.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SealboxError } from '../../src/errors.ts';
import { evaluatePolicy, isEmailIdentity, policyFromFlags } from '../../src/policy/identity.ts';
import type { CertificateClaims } from '../../src/policy/claims.ts';

// A bundle signed by a reusable workflow in another repository: the source
// repository is the caller's, the signer (SAN) is the reusable workflow.
const reusable: CertificateClaims = {
  subjectAlternativeName:
    'https://github.com/sealbox/sealbox/.github/workflows/box.yml@refs/tags/v1',
  issuer: 'https://token.actions.githubusercontent.com',
  sourceRepositoryURI: 'https://github.com/demo/auction',
  sourceRepositoryOwnerURI: 'https://github.com/demo',
  sourceRepositoryRef: 'refs/heads/main',
  sourceRepositoryDigest: 'a'.repeat(40),
  runnerEnvironment: 'self-hosted',
  extensions: {},
  notBefore: '',
  notAfter: '',
};

const failedNames = (flags: Parameters<typeof policyFromFlags>[0]) =>
  evaluatePolicy(policyFromFlags(flags), reusable)
    .filter((c) => !c.ok)
    .map((c) => c.name);

test("--repo alone ties the signer to that repository, so another repo's reusable workflow fails", () => {
  assert.deepEqual(failedNames({ repo: 'demo/auction' }), ['signer']);
});

test('--owner alone ties the signer to that owner', () => {
  assert.deepEqual(failedNames({ owner: 'demo' }), ['signer']);
  assert.deepEqual(failedNames({ owner: 'sealbox' }), ['source_owner']);
});

test('naming the signer lifts the default rule', () => {
  assert.deepEqual(failedNames({ repo: 'demo/auction', signerRepo: 'sealbox/sealbox' }), []);
  assert.deepEqual(
    failedNames({
      repo: 'demo/auction',
      signerWorkflow: 'sealbox/sealbox/.github/workflows/box.yml',
    }),
    [],
  );
  assert.deepEqual(
    failedNames({
      repo: 'demo/auction',
      signerWorkflow: 'sealbox/sealbox/.github/workflows/box.yml@refs/tags/v1',
    }),
    [],
  );
  assert.deepEqual(
    failedNames({
      repo: 'demo/auction',
      signerWorkflow: 'sealbox/sealbox/.github/workflows/box.yml@refs/tags/v2',
    }),
    ['signer'],
  );
});

test('a defaultSigner replaces the rule that ties the signer to --repo', () => {
  const policy = policyFromFlags(
    { repo: 'demo/auction' },
    {
      defaultSigner: {
        kind: 'prefix',
        prefix: 'https://github.com/sealbox/sealbox/.github/workflows/box.yml@',
        describe: 'box',
      },
    },
  );
  assert.ok(evaluatePolicy(policy, reusable).every((c) => c.ok));
});

test('--deny-self-hosted-runners fails a self-hosted runner', () => {
  assert.deepEqual(
    failedNames({
      repo: 'demo/auction',
      signerRepo: 'sealbox/sealbox',
      denySelfHostedRunners: true,
    }),
    ['runner'],
  );
});

test('--signer-repo matches a path prefix, not a name prefix', () => {
  assert.deepEqual(failedNames({ repo: 'demo/auction', signerRepo: 'sealbox/seal' }), ['signer']);
});

test('a missing claim fails its check with a reason', () => {
  const bare: CertificateClaims = {
    extensions: {},
    notBefore: '',
    notAfter: '',
    subjectAlternativeName: 'x',
    issuer: 'https://token.actions.githubusercontent.com',
  };
  const checks = evaluatePolicy(
    policyFromFlags({ certIdentity: 'x', sourceRef: 'refs/heads/main' }),
    bare,
  );
  const ref = checks.find((c) => c.name === 'source_ref')!;
  assert.equal(ref.ok, false);
  assert.match(ref.reason, /no source ref claim/);
});

// A person's certificate from a login (an email SAN, the upstream login as issuer).
const person: CertificateClaims = {
  subjectAlternativeName: 'alice@example.com',
  issuer: 'https://github.com/login/oauth',
  extensions: {},
  notBefore: '',
  notAfter: '',
};

test('an email identity is told apart from workflow URIs, which carry an @ too', () => {
  for (const id of ['alice@example.com', 'a.b+c@sub.example.org'])
    assert.equal(isEmailIdentity(id), true, id);
  for (const id of [
    'https://github.com/o/r/.github/workflows/x.yml@refs/heads/main',
    'spiffe://example.org/ns/default',
    '@example.com',
    'alice@',
    'a@b@c',
    'alice @example.com',
  ])
    assert.equal(isEmailIdentity(id), false, id);
});

test('--cert-identity EMAIL without --cert-oidc-issuer is refused: the GitHub Actions default never applies', () => {
  assert.throws(
    () => policyFromFlags({ certIdentity: 'alice@example.com' }),
    (e: SealboxError) =>
      e.code === 'USAGE' &&
      /"alice@example\.com" is an email address: .* with --cert-oidc-issuer/.test(e.message),
  );
  // A workflow URI keeps the default issuer, as before.
  assert.equal(
    policyFromFlags({ certIdentity: reusable.subjectAlternativeName! }).issuer,
    'https://token.actions.githubusercontent.com',
  );
});

test('an email identity with its issuer passes on its certificate, and fails on another issuer', () => {
  const policy = (certOidcIssuer: string) =>
    policyFromFlags({ certIdentity: 'alice@example.com', certOidcIssuer });
  assert.deepEqual(
    evaluatePolicy(policy('https://github.com/login/oauth'), person).filter((c) => !c.ok),
    [],
  );
  assert.deepEqual(
    evaluatePolicy(policy('https://accounts.google.com'), person)
      .filter((c) => !c.ok)
      .map((c) => c.code),
    ['ISSUER_MISMATCH'],
  );
});

test('a one-of signer rule (a trust policy listing identities) matches exactly', () => {
  const policy = {
    issuer: 'https://github.com/login/oauth',
    signer: { kind: 'one-of' as const, identities: ['bob@example.com', 'alice@example.com'] },
  };
  assert.deepEqual(
    evaluatePolicy(policy, person).map((c) => [c.name, c.ok]),
    [
      ['issuer', true],
      ['signer', true],
    ],
  );
  const other = evaluatePolicy(policy, { ...person, subjectAlternativeName: 'ALICE@example.com' });
  assert.equal(other.find((c) => c.name === 'signer')?.code, 'SIGNER_MISMATCH');
  assert.match(
    other.find((c) => c.name === 'signer')!.reason,
    /is not one of bob@example\.com, alice@example\.com/,
  );
});
