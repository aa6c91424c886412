// Exit codes and the lines users read: empty and box-shaped batches, a
// digest where the file is needed, a wrong artifact named as such, the
// built-in trust policies, and GitHub's case rules in identity matches.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertOneCleanLine, REPO_ROOT, sealbox } from '../helpers/cli.ts';
import { CONFORMANCE_DIR } from '../helpers/conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'sealbox-exit-codes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const BUNDLE = `${CONFORMANCE_DIR}happy-path-v0.3/bundle.sigstore.json`;
const ARTIFACT = `${CONFORMANCE_DIR}a.txt`;
const REPO = 'sigstore-conformance/extremely-dangerous-public-oidc-beacon';
const WORKFLOW = `${REPO}/.github/workflows/extremely-dangerous-oidc-beacon.yml`;
const IB = `${REPO_ROOT}../shared/fixtures/inferencebench/`;

test('verify-batch: an empty input is exit 2, as an empty directory is', async () => {
  const empty = join(dir, 'empty.jsonl');
  writeFileSync(empty, '\n\n');
  const emptyDir = join(dir, 'empty-dir');
  mkdirSync(emptyDir);
  for (const [args, input, message] of [
    [[empty], undefined, /empty\.jsonl: no \{"artifact", "bundle"\} lines/],
    [['-'], '', /batch standard input: no \{"artifact", "bundle"\} lines/],
    [[emptyDir], undefined, /empty-dir: no NAME\.sigstore\.json bundles/],
  ] as [string[], string | undefined, RegExp][]) {
    const r = await sealbox(['verify-batch', ...args, '-R', REPO], {}, { input });
    assert.equal(r.status, 2, `${args[0]}: ${r.stdout}${r.stderr}`);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, message);
  }
});

test('verify-batch takes a box-shaped directory: NAME.json beside NAME.sigstore.json', async () => {
  const box = join(dir, 'box-shaped');
  mkdirSync(box);
  copyFileSync(ARTIFACT, join(box, 'manifest.json'));
  copyFileSync(BUNDLE, join(box, 'manifest.sigstore.json'));
  copyFileSync(ARTIFACT, join(box, 'plain'));
  copyFileSync(BUNDLE, join(box, 'plain.sigstore.json'));
  writeFileSync(join(box, 'result.json'), 'not what was signed');
  copyFileSync(BUNDLE, join(box, 'result.sigstore.json'));
  const r = await sealbox(['verify-batch', box, '-R', REPO]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^OK: manifest\.json$/m);
  assert.match(r.stdout, /^OK: plain$/m);
  assert.match(r.stdout, /^FAIL: result\.json: ARTIFACT_MISMATCH: /m);
  assert.match(r.stdout, /^2 passed, 1 failed/m);
  rmSync(join(box, 'result.json'));
  const orphan = await sealbox(['verify-batch', box, '-R', REPO]);
  assert.equal(orphan.status, 2);
  assert.match(
    orphan.stderr,
    /result\.sigstore\.json has no artifact result \(or result\.json\) beside it/,
  );
});

test('a digest for a message-signature bundle is an input limitation: exit 2, one line', async () => {
  const sha256 = await sealbox([
    'verify',
    ARTIFACT,
    '-b',
    BUNDLE,
    '-R',
    REPO,
    '--jq',
    '.bundles[0].content',
  ]);
  assert.equal(sha256.stdout, 'message_signature\n');
  const digest = `sha256:${await fileSha256(ARTIFACT)}`;
  const r = await sealbox(['verify', digest, '-b', BUNDLE, '-R', REPO]);
  assert.equal(r.status, 2, r.stdout);
  assertOneCleanLine(r.stderr);
  assert.match(
    r.stderr,
    /is a message signature, an EC signature over the file's bytes that a digest alone cannot check; give the file/,
  );
  assert.equal(r.stdout, '');
  // In a batch, the item says so and the others are verified.
  const line = (artifact: string) =>
    JSON.stringify({ artifact, bundle: JSON.parse(readFileSync(BUNDLE, 'utf8')) });
  const batch = await sealbox(
    ['verify-batch', '-', '-R', REPO],
    {},
    { input: `${line(ARTIFACT)}\n${line(digest)}\n` },
  );
  assert.equal(batch.status, 1);
  assert.match(batch.stdout, /^FAIL: standard input#2: .*an EC signature over the file's bytes/m);
  // A DSSE bundle is checked against a digest as usual (its subjects are digests).
  const custom = `${CONFORMANCE_DIR}intoto-with-custom-trust-root/`;
  const dsse = await sealbox([
    'verify',
    `sha256:${await fileSha256(`${custom}artifact`)}`,
    '-b',
    `${custom}bundle.sigstore.json`,
    '--trusted-root',
    `${custom}trusted_root.json`,
    '--signer-workflow',
    WORKFLOW,
    '--jq',
    '.ok',
  ]);
  assert.equal(dsse.stdout, 'true\n', dsse.stderr);
});

async function fileSha256(path: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

test('a wrong artifact: the headline names ARTIFACT_MISMATCH, not the signature failure it causes', async () => {
  const other = join(dir, 'other.txt');
  writeFileSync(other, 'another artifact');
  const r = await sealbox(['verify', other, '-b', BUNDLE, '-R', REPO]);
  assert.equal(r.status, 1);
  const [headline] = r.stdout.split('\n');
  assert.match(
    headline!,
    /^FAIL: .*other\.txt with bundle .*: ARTIFACT_MISMATCH: artifact sha256:[0-9a-f]{64} is not the signed message/,
  );
  assert.doesNotMatch(headline!, /signature verification failed/);
  assert.match(r.stdout, /FAIL signature/, 'the signature check is still reported');
});

test('--trust-policy: an unknown name lists the built-in ones; inferencebench-release verifies the dev-key fixtures with their anchor', async () => {
  const env = `${IB}envelopes/010e9504589b.json`;
  const unknown = await sealbox(['envelope', 'verify', env, '--trust-policy', 'inferencebench']);
  assert.equal(unknown.status, 2);
  assertOneCleanLine(unknown.stderr);
  assert.match(
    unknown.stderr,
    /--trust-policy inferencebench: neither a built-in policy \(inferencebench-release, sealbox-box\) nor a policy file/,
  );
  const all = await sealbox([
    'envelope',
    'verify',
    `${IB}envelopes`,
    '--trust-policy',
    'inferencebench-release',
    '--dev-public-key',
    `${IB}cosign-2026-05-18-marathon.pub`,
    '--format',
    'json',
  ]);
  assert.equal(all.status, 0, all.stdout + all.stderr);
  const doc = JSON.parse(all.stdout);
  assert.equal(doc.total, 10);
  assert.equal(doc.passed, 10);
  const others = await sealbox([
    'envelope',
    'verify',
    `${IB}other-keys`,
    '--trust-policy',
    'inferencebench-release',
    '--dev-public-key',
    `${IB}cosign-2026-05-18-marathon.pub`,
  ]);
  assert.equal(others.status, 1, 'envelopes signed by unpublished keys still fail');
});

test('identity matches: owner and repository names case-insensitively, workflow paths and refs exactly', async () => {
  const verify = (...policy: string[]) =>
    sealbox([
      'verify',
      ARTIFACT,
      '-b',
      BUNDLE,
      ...policy,
      '--jq',
      '[.ok, ([.checks[] | select(.ok | not) | .code] | join(","))] | join(" ")',
    ]);
  const cases: [string, string[], string][] = [
    ['--repo in other case', ['-R', REPO.toUpperCase()], 'true '],
    ['--owner in other case', ['--owner', 'Sigstore-Conformance'], 'true '],
    ['--signer-repo in other case', ['--signer-repo', REPO.toUpperCase()], 'true '],
    [
      '--signer-workflow, owner/repo in other case',
      ['--signer-workflow', WORKFLOW.replace(REPO, REPO.toUpperCase())],
      'true ',
    ],
    ['--signer-workflow at its ref', ['--signer-workflow', `${WORKFLOW}@refs/heads/main`], 'true '],
    [
      '--signer-workflow, file name in other case',
      ['--signer-workflow', WORKFLOW.replace('oidc-beacon.yml', 'OIDC-Beacon.yml')],
      'false SIGNER_MISMATCH',
    ],
    [
      '--signer-workflow, ref in other case',
      ['--signer-workflow', `${WORKFLOW}@refs/heads/Main`],
      'false SIGNER_MISMATCH',
    ],
    [
      '--source-ref in other case',
      ['-R', REPO, '--source-ref', 'refs/heads/Main'],
      'false SOURCE_REF_MISMATCH',
    ],
    ['--source-ref', ['-R', REPO, '--source-ref', 'refs/heads/main'], 'true '],
  ];
  for (const [name, policy, expected] of cases) {
    const r = await verify(...policy);
    assert.equal(r.stdout.trim(), expected.trim(), `${name}: ${r.stderr}`);
  }
});
