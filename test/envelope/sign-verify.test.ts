// Signing and verifying envelopes: keyless on the local stack in both
// formats, dev keys, the trust decision, and a body changed after signing.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { releasedBoxRun, sealboxRelease } from '../../src/devstack/index.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';
import { RESULT_BODY, writeUnsignedEnvelope } from '../helpers/envelope.ts';

const ctx = useStack();
const IDENTITY = '^https://github\\.com/demo/sealbox/\\.github/workflows/release\\.yml@';

function unsigned(name: string, extra: object = {}): string {
  return writeUnsignedEnvelope(join(ctx.dir, name), extra);
}

for (const formatOut of ['sealbox', 'inferencebench'] as const) {
  test(`keyless ${formatOut} envelope: verifies under the right identity, fails under a wrong one, fails when the body changes`, async () => {
    const input = unsigned(`keyless-${formatOut}.json`);
    const out = join(ctx.dir, `keyless-${formatOut}.signed.json`);
    const s = await sealbox(
      ['envelope', 'sign', input, '--keyless', '--format-out', formatOut, '-o', out],
      ctx.stack.env(),
    );
    assert.equal(s.status, 0, s.stderr);
    const signed = readFileSync(out, 'utf8');
    assert.match(signed, /"tps": 1842\.0/, 'number lexemes are kept');
    const root = ['--trusted-root', ctx.stack.trustedRootPath];
    const ok = await sealbox([
      'envelope',
      'verify',
      out,
      '--require-issuer',
      'https://token.actions.githubusercontent.com',
      '--require-identity-pattern',
      IDENTITY,
      ...root,
    ]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const lines = ok.stdout.trim().split('\n');
    assert.equal(lines[1], `method: ${formatOut === 'sealbox' ? 'sigstore' : 'sigstore-cosign'}`);
    assert.equal(lines[3], 'suite: llm.test v1.0.0');
    assert.equal(lines[4], 'model: org/model');
    assert.equal(lines[5], 'engine: vllm v0.21.0');
    assert.match(lines[6]!, /^rekor_log_index: \d+$/);
    assert.equal(
      lines[7],
      'signer_identity: https://github.com/demo/sealbox/.github/workflows/release.yml@refs/heads/main',
    );
    assert.equal(lines[8], 'signer_issuer: https://token.actions.githubusercontent.com');
    const hash = await sealbox(['envelope', 'hash', out]);
    assert.equal(lines[2], `content_hash: ${hash.stdout.trim()}`);
    // The policy flags of `sealbox verify` work too.
    const repo = await sealbox(['envelope', 'verify', out, '--repo', 'demo/sealbox', ...root]);
    assert.equal(repo.status, 0, repo.stdout);
    const wrongIdentity = await sealbox([
      'envelope',
      'verify',
      out,
      '--require-identity-pattern',
      '^https://github\\.com/other/',
      ...root,
    ]);
    assert.equal(wrongIdentity.status, 1);
    assert.match(wrongIdentity.stdout, /^FAIL: signer .* is not matching/);
    const wrongIssuer = await sealbox([
      'envelope',
      'verify',
      out,
      '--require-issuer',
      'https://accounts.google.com',
      '--require-identity-pattern',
      IDENTITY,
      ...root,
    ]);
    assert.equal(wrongIssuer.status, 1);
    const changed = join(ctx.dir, `changed-${formatOut}.json`);
    writeFileSync(changed, signed.replace('"org/model"', '"org/other-model"'));
    const c = await sealbox([
      'envelope',
      'verify',
      changed,
      '--require-identity-pattern',
      IDENTITY,
      ...root,
    ]);
    assert.equal(c.status, 1);
    assert.match(c.stdout, /^FAIL: the content hash [0-9a-f]{64} no longer matches the signed one/);
    // The unsigned certificate and log index inside an upstream envelope are never what is shown.
    if (formatOut === 'inferencebench') {
      // Edited as text: a JSON round trip would turn 1842.0 into 1842, another body for Python.
      const lied = join(ctx.dir, 'lied.json');
      writeFileSync(
        lied,
        signed
          .replace(/"rekor_log_index": \d+/, '"rekor_log_index": 1')
          .replace(/"certificate": "[^"]*"/, '"certificate": "not a certificate"'),
      );
      assert.notEqual(readFileSync(lied, 'utf8'), signed);
      const l = await sealbox([
        'envelope',
        'verify',
        lied,
        '--require-identity-pattern',
        IDENTITY,
        ...root,
      ]);
      assert.equal(l.status, 0, l.stdout);
      assert.equal(l.stdout.split('\n')[6], lines[6]);
    }
  });
}

test('dev keys: keygen, sign both formats, verify against the anchor (sealbox format with --key and its log rule)', async () => {
  const key = join(ctx.dir, 'dev.key');
  const g = await sealbox(['keygen', '--out', key]);
  assert.equal(g.status, 0, g.stderr);
  assert.equal(statSync(key).mode & 0o777, 0o600);
  assert.match(readFileSync(key, 'utf8'), /BEGIN PRIVATE KEY/);
  assert.doesNotMatch(g.stdout + g.stderr, /BEGIN PRIVATE KEY/, 'the key is never printed');
  const again = await sealbox(['keygen', '--out', key]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /exists; keygen never overwrites a key/);

  const ib = join(ctx.dir, 'dev-ib.signed.json');
  assert.equal(
    (
      await sealbox([
        'envelope',
        'sign',
        unsigned('dev-ib.json'),
        '--dev-key',
        key,
        '--format-out',
        'inferencebench',
        '-o',
        ib,
      ])
    ).status,
    0,
  );
  const v1 = await sealbox(['envelope', 'verify', ib, '--dev-public-key', `${key}.pub`]);
  assert.equal(v1.status, 0, v1.stdout + v1.stderr);
  assert.match(v1.stdout, /^method: dev-key$/m);

  const sb = join(ctx.dir, 'dev-sb.signed.json');
  const s2 = await sealbox(
    ['envelope', 'sign', unsigned('dev-sb.json'), '--dev-key', key, '-o', sb],
    ctx.stack.env(),
  );
  assert.equal(s2.status, 0, s2.stderr);
  const v2 = await sealbox([
    'envelope',
    'verify',
    sb,
    '--key',
    `${key}.pub`,
    '--trusted-root',
    ctx.stack.trustedRootPath,
  ]);
  assert.equal(v2.status, 0, v2.stdout + v2.stderr);
  const noLog = join(ctx.dir, 'dev-nolog.signed.json');
  assert.equal(
    (
      await sealbox([
        'envelope',
        'sign',
        unsigned('dev-nolog.json'),
        '--dev-key',
        key,
        '--no-tlog',
        '-o',
        noLog,
      ])
    ).status,
    0,
  );
  const strict = await sealbox(['envelope', 'verify', noLog, '--key', `${key}.pub`]);
  assert.equal(strict.status, 1, 'a log entry is required unless waived');
  const waived = await sealbox([
    'envelope',
    'verify',
    noLog,
    '--key',
    `${key}.pub`,
    '--insecure-ignore-tlog',
  ]);
  assert.equal(waived.status, 0, waived.stdout);
  const refused = await sealbox([
    'envelope',
    'sign',
    ib,
    '--dev-key',
    key,
    '-o',
    join(ctx.dir, 'twice.json'),
  ]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /is already signed/);
});

test('trust policies: a YAML file with an anchor path, and a built-in name', async () => {
  const key = join(ctx.dir, 'policy.key');
  await sealbox(['keygen', '--out', key]);
  const signed = join(ctx.dir, 'policy.signed.json');
  await sealbox([
    'envelope',
    'sign',
    unsigned('policy.json'),
    '--dev-key',
    key,
    '--format-out',
    'inferencebench',
    '-o',
    signed,
  ]);
  const policy = join(ctx.dir, 'policy.yaml');
  writeFileSync(policy, `# who we trust\nanchors:\n  - policy.key.pub\n`);
  const ok = await sealbox(['envelope', 'verify', signed, '--trust-policy', policy]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const builtin = await sealbox([
    'envelope',
    'verify',
    signed,
    '--trust-policy',
    'inferencebench-release',
  ]);
  assert.equal(builtin.status, 1, 'a keyless policy does not trust a dev key');
  assert.match(builtin.stdout, /needs a trust anchor/);
});

test('bad input: one clear line, exit 2', async () => {
  const key = join(ctx.dir, 'bad.key');
  await sealbox(['keygen', '--out', key]);
  const good = join(ctx.dir, 'bad-base.signed.json');
  await sealbox([
    'envelope',
    'sign',
    unsigned('bad-base.json'),
    '--dev-key',
    key,
    '--format-out',
    'inferencebench',
    '-o',
    good,
  ]);
  const doc = JSON.parse(readFileSync(good, 'utf8'));
  const write = (name: string, content: string) => {
    const p = join(ctx.dir, name);
    writeFileSync(p, content);
    return p;
  };
  const ecPem = (await import('node:crypto'))
    .generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  const cases: [string, string, string[], RegExp][] = [
    [
      'not JSON',
      write('notjson.json', '{"envelope_version": '),
      ['--dev-public-key', `${key}.pub`],
      /is not JSON/,
    ],
    [
      'no signature',
      write('nosig.json', JSON.stringify(RESULT_BODY)),
      ['--dev-public-key', `${key}.pub`],
      /has no signature/,
    ],
    [
      'unknown method',
      write(
        'method.json',
        JSON.stringify({ ...doc, signature: { ...doc.signature, method: 'pgp' } }),
      ),
      ['--dev-public-key', `${key}.pub`],
      /unknown signature method "pgp"/,
    ],
    [
      'bad base64',
      write(
        'b64.json',
        JSON.stringify({ ...doc, signature: { ...doc.signature, bundle: 'abc$' } }),
      ),
      ['--dev-public-key', `${key}.pub`],
      /signature\.bundle is not valid base64/,
    ],
    [
      'a PEM that is not Ed25519',
      write(
        'ec.json',
        JSON.stringify({ ...doc, signature: { ...doc.signature, certificate: ecPem } }),
      ),
      ['--dev-public-key', `${key}.pub`],
      /is not an Ed25519 public key/,
    ],
    [
      'an anchor file that does not parse',
      good,
      ['--dev-public-key', write('anchor.pub', 'hello')],
      /trust anchor .*anchor\.pub is not a PEM public key/,
    ],
    [
      'a policy file that does not parse',
      good,
      ['--trust-policy', write('p.yaml', 'anchors: [unclosed')],
      /trust policy .*p\.yaml: does not parse/,
    ],
  ];
  for (const [name, file, flags, message] of cases) {
    const r = await sealbox(['envelope', 'verify', file, ...flags]);
    assert.equal(r.status, 2, `${name}: ${r.stdout}${r.stderr}`);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, message, name);
  }
});

test('the sealbox-box policy trusts sealbox’s box workflow only at a release, as box verify does', async () => {
  const root = ['--trusted-root', ctx.stack.trustedRootPath];
  const signedBy = async (name: string, jobWorkflowRef: string) => {
    const out = join(ctx.dir, `${name}.signed.json`);
    const s = await sealbox(
      ['envelope', 'sign', unsigned(`${name}.json`), '--keyless', '-o', out],
      ctx.stack.env(releasedBoxRun(ctx.stack, { jobWorkflowRef })),
    );
    assert.equal(s.status, 0, s.stderr);
    return out;
  };
  const { tag } = sealboxRelease(ctx.stack);
  const released = await signedBy(
    'box-release',
    `sealbox/sealbox/.github/workflows/box.yml@refs/tags/${tag}`,
  );
  const branch = await signedBy(
    'box-branch',
    'sealbox/sealbox/.github/workflows/box.yml@refs/heads/main',
  );
  const policy = ['--trust-policy', 'sealbox-box', '--format', 'json', ...root];
  const ok = await sealbox(['envelope', 'verify', released, ...policy]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const release = (JSON.parse(ok.stdout).checks as { name: string; reason: string }[]).find(
    (c) => c.name === 'release',
  );
  assert.match(release!.reason, new RegExp(`^release ${tag} `));
  const refused = await sealbox(['envelope', 'verify', branch, ...policy]);
  assert.equal(refused.status, 1, refused.stdout);
  const failed = (
    JSON.parse(refused.stdout).checks as { ok: boolean; name: string; code: string }[]
  )
    .filter((c) => !c.ok)
    .map((c) => `${c.name} ${c.code}`);
  assert.deepEqual(failed, ['release UNRELEASED']);
});
