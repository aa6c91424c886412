// Trust policy files naming people: `identities` (exact SANs, such as email
// addresses) beside `identity_pattern`, and the issuer an email needs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identityPolicyOf, parseTrustPolicy } from '../../src/envelope/trust-policy.ts';
import { evaluatePolicy } from '../../src/policy/identity.ts';

const refusal = (text: string) => {
  try {
    parseTrustPolicy(text, 'team.yml');
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

test('a policy may list identities, email addresses included, with their issuer', () => {
  const p = parseTrustPolicy(
    'issuer: https://github.com/login/oauth\nidentities: [alice@example.com, bob@example.com]\n',
    'team.yml',
  );
  const policy = identityPolicyOf(p)!;
  assert.equal(policy.issuer, 'https://github.com/login/oauth');
  const claims = {
    subjectAlternativeName: 'bob@example.com',
    issuer: 'https://github.com/login/oauth',
    extensions: {},
    notBefore: '',
    notAfter: '',
  };
  assert.ok(evaluatePolicy(policy, claims).every((c) => c.ok));
  assert.ok(
    !evaluatePolicy(policy, { ...claims, subjectAlternativeName: 'mallory@example.com' }).every(
      (c) => c.ok,
    ),
  );
});

test('an email identity without an issuer is refused; so is a policy naming both kinds of signer', () => {
  assert.match(
    refusal('identities: [alice@example.com]\n'),
    /^trust policy team\.yml: "alice@example\.com" is an email address: name the issuer it logged in through in the policy's issuer/,
  );
  assert.match(
    refusal('issuer: https://github.com/login/oauth\nidentity_pattern: x\nidentities: [a@b.c]\n'),
    /names both identity_pattern and identities; give one/,
  );
  assert.match(refusal('identities: ["", "a@b.c"]\n'), /identities\.0 is empty/);
  // Workflow URIs keep GitHub Actions as the default issuer.
  const ci = parseTrustPolicy(
    'identities: ["https://github.com/o/r/.github/workflows/x.yml@refs/heads/main"]\n',
    'ci.yml',
  );
  assert.equal(identityPolicyOf(ci)?.issuer, 'https://token.actions.githubusercontent.com');
});
