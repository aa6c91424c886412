// The stack's state is reused across starts (one root for separate runs);
// the conformance sign-bundle protocol; key-signed bundles with and without
// the transparency log.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_RUN } from '../../src/devstack/identity.ts';
import { DevStack } from '../../src/devstack/stack.ts';
import { sealbox } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'sealbox-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const stateDir = join(dir, 'state');
const artifact = join(dir, 'a.txt');
writeFileSync(artifact, 'shared root');

async function attestWith(stack: DevStack, out: string) {
  const r = await sealbox(['attest', artifact, '-o', out, '--tsa-url', stack.tsaUrl], stack.env());
  assert.equal(r.status, 0, r.stderr);
}

const verify = (bundle: string, root: string) =>
  sealbox([
    'verify',
    artifact,
    '--bundle',
    bundle,
    '--repo',
    'demo/sealbox',
    '--trusted-root',
    root,
  ]);

test('two starts on one state share one trusted root, and bundles from both verify against it', async () => {
  const first = await DevStack.start({ stateDir });
  const rootBefore = readFileSync(first.trustedRootPath, 'utf8');
  await attestWith(first, join(dir, 'first.json'));
  await first.stop();
  const second = await DevStack.start({ stateDir });
  try {
    assert.equal(
      readFileSync(second.trustedRootPath, 'utf8'),
      rootBefore,
      'the root is not rewritten',
    );
    await attestWith(second, join(dir, 'second.json'));
  } finally {
    await second.stop();
  }
  for (const b of ['first.json', 'second.json']) {
    const r = await verify(join(dir, b), join(stateDir, 'trusted_root.json'));
    assert.equal(r.status, 0, `${b}: ${r.stdout}${r.stderr}`);
  }
  assert.equal(
    statSync(join(stateDir, 'keys', 'ca.pem')).mode & 0o777,
    0o600,
    'keys are private to the user',
  );
});

test('another state is another root: its bundles do not verify against the first', async () => {
  const other = await DevStack.start({ stateDir: join(dir, 'other-state') });
  try {
    await attestWith(other, join(dir, 'other.json'));
  } finally {
    await other.stop();
  }
  const r = await verify(join(dir, 'other.json'), join(stateDir, 'trusted_root.json'));
  assert.equal(r.status, 1);
});

test('sign-bundle then verify-bundle, through the conformance protocol', async () => {
  const stack = await DevStack.start({ stateDir });
  try {
    const token = await stack.issuer.mint(DEFAULT_RUN);
    const identity =
      'https://github.com/demo/sealbox/.github/workflows/release.yml@refs/heads/main';
    for (const inToto of [false, true]) {
      const input = inToto ? join(dir, 'statement.json') : artifact;
      if (inToto) {
        writeFileSync(
          input,
          JSON.stringify({
            _type: 'https://in-toto.io/Statement/v1',
            subject: [{ name: 'a.txt', digest: { sha256: 'a'.repeat(64) } }],
            predicateType: 'https://example.com/p',
            predicate: {},
          }),
        );
      }
      const bundle = join(dir, `conformance-${inToto}.json`);
      const sign = await sealbox([
        'sign-bundle',
        ...(inToto ? ['--in-toto'] : []),
        '--identity-token',
        token,
        '--bundle',
        bundle,
        '--trusted-root',
        stack.trustedRootPath,
        '--signing-config',
        stack.state.signingConfigPath,
        input,
      ]);
      assert.equal(sign.status, 0, sign.stderr);
      const subject = inToto ? `sha256:${'a'.repeat(64)}` : artifact;
      const ok = await sealbox([
        'verify-bundle',
        '--bundle',
        bundle,
        '--certificate-identity',
        identity,
        '--certificate-oidc-issuer',
        'https://token.actions.githubusercontent.com',
        '--trusted-root',
        stack.trustedRootPath,
        subject,
      ]);
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      const wrong = await sealbox([
        'verify-bundle',
        '--bundle',
        bundle,
        '--certificate-identity',
        `${identity}x`,
        '--certificate-oidc-issuer',
        'https://token.actions.githubusercontent.com',
        '--trusted-root',
        stack.trustedRootPath,
        subject,
      ]);
      assert.equal(wrong.status, 1);
    }
  } finally {
    await stack.stop();
  }
});

test('key mode: ECDSA P-256 and Ed25519 bundles logged to Rekor verify with --key; --no-tlog needs --insecure-ignore-tlog', async () => {
  const stack = await DevStack.start({ stateDir });
  try {
    for (const type of ['ec', 'ed25519'] as const) {
      const pair =
        type === 'ec'
          ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
          : generateKeyPairSync('ed25519');
      const key = join(dir, `${type}.key`);
      const pub = join(dir, `${type}.pub`);
      writeFileSync(key, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      writeFileSync(pub, pair.publicKey.export({ type: 'spki', format: 'pem' }));
      const predicate = join(dir, 'p.json');
      writeFileSync(predicate, '{}');
      const common = [
        '--predicate-type',
        'https://example.com/p',
        '--predicate',
        predicate,
        '--key',
        key,
      ];
      const logged = join(dir, `${type}-logged.json`);
      const a = await sealbox(['attest', artifact, ...common, '-o', logged], stack.env());
      assert.equal(a.status, 0, a.stderr);
      const v = await sealbox([
        'verify',
        artifact,
        '--bundle',
        logged,
        '--key',
        pub,
        '--trusted-root',
        stack.trustedRootPath,
      ]);
      assert.equal(v.status, 0, `${type}: ${v.stdout}${v.stderr}`);
      const unlogged = join(dir, `${type}-unlogged.json`);
      const b = await sealbox(
        ['attest', artifact, ...common, '--no-tlog', '-o', unlogged],
        stack.env(),
      );
      assert.equal(b.status, 0, b.stderr);
      const strict = await sealbox([
        'verify',
        artifact,
        '--bundle',
        unlogged,
        '--key',
        pub,
        '--trusted-root',
        stack.trustedRootPath,
      ]);
      assert.equal(strict.status, 1, 'a log entry is required by default');
      const waived = await sealbox([
        'verify',
        artifact,
        '--bundle',
        unlogged,
        '--key',
        pub,
        '--trusted-root',
        stack.trustedRootPath,
        '--insecure-ignore-tlog',
      ]);
      assert.equal(waived.status, 0, waived.stdout + waived.stderr);
    }
  } finally {
    await stack.stop();
  }
});

test('the local TSA writes timestamps @sigstore/core can read, whatever the milliseconds', async () => {
  const { wholeSecondClock } = await import('../../src/devstack/sigstore-services.ts');
  const clock = wholeSecondClock();
  assert.equal(clock.getUTCMilliseconds(), 0);
  assert.ok(Math.abs(clock.getTime() - Date.now()) < 1100, 'it is live, not fixed');
  const stack = await DevStack.start({ stateDir });
  try {
    // Twelve timestamps in a row: with the mock's own clock, one in ten failed.
    for (let i = 0; i < 12; i++) {
      const out = join(dir, `tsa-${i}.json`);
      await attestWith(stack, out);
      const r = await verify(out, stack.trustedRootPath);
      assert.equal(r.status, 0, r.stdout);
      await new Promise((resolve) => setTimeout(resolve, 37));
    }
  } finally {
    await stack.stop();
  }
});
