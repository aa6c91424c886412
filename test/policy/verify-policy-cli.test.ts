// Every policy flag and rule of PRODUCT.md, passing and failing, through
// `sealbox verify` on a real GitHub Actions certificate (the conformance
// beacon's DSSE bundle, logged in Rekor v2 with a TSA timestamp).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseClaims } from '../../src/policy/claims.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { CONFORMANCE_DIR } from '../helpers/conformance.ts';

const CASE = `${CONFORMANCE_DIR}rekor2-dsse-happy-path/`;
const BUNDLE = `${CASE}bundle.sigstore.json`;
const ROOT = `${CASE}trusted_root.json`;
const ARTIFACT = `${CONFORMANCE_DIR}a.txt`;
const OTHER_ARTIFACT = `${CONFORMANCE_DIR}README.md`;
const O = 'sigstore-conformance';
const R = `${O}/extremely-dangerous-public-oidc-beacon`;
const WF = `${R}/.github/workflows/extremely-dangerous-oidc-beacon.yml`;
const SAN = `https://github.com/${WF}@refs/heads/main`;

const cert = JSON.parse(readFileSync(BUNDLE, 'utf8')).verificationMaterial.certificate.rawBytes;
const SHA = parseClaims(Buffer.from(cert, 'base64')).sourceRepositoryDigest!;
const DIGEST = 'sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf';

function verify(flags: string[], artifact = ARTIFACT) {
  return sealbox([
    'verify',
    artifact,
    '--bundle',
    BUNDLE,
    '--trusted-root',
    ROOT,
    '--format',
    'json',
    ...flags,
  ]);
}

const passing: [string, string[], string?][] = [
  ['--owner', ['--owner', O]],
  ['--owner, compared case-insensitively', ['--owner', O.toUpperCase()]],
  ['--repo', ['--repo', R]],
  ['--repo, compared case-insensitively', ['--repo', R.toUpperCase()]],
  ['--repo with --signer-repo', ['--repo', R, '--signer-repo', R]],
  ['--repo with --signer-workflow at any ref', ['--repo', R, '--signer-workflow', WF]],
  [
    '--signer-workflow with host and ref',
    ['--signer-workflow', `github.com/${WF}@refs/heads/main`],
  ],
  ['--cert-identity', ['--cert-identity', SAN]],
  [
    '--cert-identity-regex',
    ['--cert-identity-regex', '^https://github\\.com/sigstore-conformance/'],
  ],
  [
    '--cert-oidc-issuer (the default, named)',
    ['--owner', O, '--cert-oidc-issuer', 'https://token.actions.githubusercontent.com'],
  ],
  ['--source-ref', ['--owner', O, '--source-ref', 'refs/heads/main']],
  ['--source-digest', ['--owner', O, '--source-digest', SHA]],
  ['--deny-self-hosted-runners', ['--owner', O, '--deny-self-hosted-runners']],
  ['--predicate-type', ['--owner', O, '--predicate-type', 'https://slsa.dev/provenance/v1']],
  ['a sha256: digest for the artifact', ['--repo', R], DIGEST],
];

for (const [name, flags, artifact] of passing) {
  test(`passes: ${name}`, async () => {
    const r = await verify(flags, artifact);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, true);
    assert.ok(out.checks.every((c: { ok: boolean }) => c.ok));
  });
}

const failing: [string, string[], string[], string?][] = [
  [
    'another owner (source owner, and the default signer rule)',
    ['--owner', 'someone-else'],
    ['source_owner', 'signer'],
  ],
  ['another repository', ['--repo', `${O}/other`], ['source_repository', 'signer']],
  [
    'another source repository with the right signer',
    ['--repo', 'someone/else', '--signer-repo', R],
    ['source_repository'],
  ],
  ['--signer-repo of another repository', ['--signer-repo', `${O}/other`], ['signer']],
  [
    '--signer-workflow of another file',
    ['--signer-workflow', `${R}/.github/workflows/other.yml`],
    ['signer'],
  ],
  ['--signer-workflow at another ref', ['--signer-workflow', `${WF}@refs/heads/dev`], ['signer']],
  ['--cert-identity is exact (case matters)', ['--cert-identity', SAN.toUpperCase()], ['signer']],
  [
    '--cert-identity-regex is applied as given',
    ['--cert-identity-regex', '^https://github\\.com/sigstore/'],
    ['signer'],
  ],
  [
    '--cert-oidc-issuer of another issuer',
    ['--owner', O, '--cert-oidc-issuer', 'https://accounts.google.com'],
    ['issuer'],
  ],
  ['--source-ref of another ref', ['--owner', O, '--source-ref', 'refs/heads/dev'], ['source_ref']],
  [
    '--source-digest of another commit',
    ['--owner', O, '--source-digest', '0'.repeat(40)],
    ['source_digest'],
  ],
  [
    '--predicate-type of another type',
    ['--owner', O, '--predicate-type', 'https://example.com/other'],
    ['predicate_type'],
  ],
  ['an artifact that is no subject', ['--owner', O], ['artifact'], OTHER_ARTIFACT],
  [
    'a sha512 digest when subjects use sha256',
    ['--owner', O],
    ['artifact'],
    `sha512:${'ab'.repeat(64)}`,
  ],
];

for (const [name, flags, failedChecks, artifact] of failing) {
  test(`fails: ${name}`, async () => {
    const r = await verify(flags, artifact);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, false);
    const failedNames = out.checks
      .filter((c: { ok: boolean }) => !c.ok)
      .map((c: { name: string }) => c.name);
    assert.deepEqual(failedNames.sort(), [...failedChecks].sort());
    // Every check is evaluated and reported, even after one failed.
    assert.ok(
      out.checks.some((c: { name: string; ok: boolean }) => c.name === 'signature' && c.ok),
    );
  });
}

const refused: [string, string[], RegExp][] = [
  ['no identity at all', [], /add --owner, --repo/],
  [
    'an issuer alone is no identity',
    ['--cert-oidc-issuer', 'https://token.actions.githubusercontent.com'],
    /no identity/,
  ],
  ['a source ref alone is no identity', ['--source-ref', 'refs/heads/main'], /no identity/],
  ['two signer flags', ['--signer-repo', R, '--cert-identity', SAN], /cannot be combined/],
  ['a flag given twice', ['--repo', R, '--repo', R], /--repo given twice/],
  [
    '--key with identity flags',
    ['--owner', O, '--key', `${CONFORMANCE_DIR}managed-key-and-trusted-root/key.pub`],
    /--key cannot be combined/,
  ],
  [
    'an invalid regular expression',
    ['--cert-identity-regex', '('],
    /not a valid regular expression/,
  ],
  [
    '--insecure-ignore-tlog without --key',
    ['--owner', O, '--insecure-ignore-tlog'],
    /only with --key/,
  ],
  ['a malformed --repo', ['--repo', 'just-a-name'], /is not OWNER\/REPO/],
  [
    'a malformed --signer-workflow',
    ['--signer-workflow', 'O/R/workflow.yml'],
    /is not \[HOST\/\]OWNER/,
  ],
];

for (const [name, flags, message] of refused) {
  test(`refused (exit 2): ${name}`, async () => {
    const r = await verify(flags);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, message);
  });
}

test('JSON output carries ok, every check, the claims, log index and integrated time', async () => {
  const r = await sealbox([
    'verify',
    ARTIFACT,
    '--bundle',
    `${CONFORMANCE_DIR}happy-path-v0.3/bundle.sigstore.json`,
    '--repo',
    R,
    '--format',
    'json',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(
    out.checks.map((c: { name: string }) => c.name),
    ['signature', 'log_entry', 'artifact', 'issuer', 'signer', 'source_repository'],
  );
  for (const c of out.checks)
    assert.deepEqual(Object.keys(c).sort(), ['code', 'name', 'ok', 'reason']);
  assert.equal(
    out.claims.runInvocationURI,
    'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/actions/runs/8347481628/attempts/1',
  );
  assert.equal(out.claims.sourceRepositoryVisibilityAtSigning, 'public');
  assert.equal(out.tlogEntries[0].logIndex, '79571823');
  assert.equal(out.tlogEntries[0].integratedTime, '2024-03-19T17:26:26.000Z');
  assert.match(out.trustedRoot, /embedded public-good root/);
});

test('human output says what was verified, against which root', async () => {
  const r = await sealbox([
    'verify',
    ARTIFACT,
    '--bundle',
    `${CONFORMANCE_DIR}happy-path-v0.3/bundle.sigstore.json`,
    '--owner',
    O,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^OK: .*a\.txt verified/);
  assert.match(r.stdout, /trusted root: +embedded public-good root \(snapshot \d{4}-\d{2}-\d{2}\)/);
  assert.match(r.stdout, new RegExp(`signer: +${SAN.replace(/[.?]/g, '\\$&')}`));
});
