// Bad input: exit 2 and one clear line naming the input and the reason,
// never a stack trace. Verification failures are exit 1 (tested elsewhere).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { CONFORMANCE_DIR } from '../helpers/conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'sealbox-bad-input-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const BUNDLE = `${CONFORMANCE_DIR}happy-path-v0.3/bundle.sigstore.json`;
const ARTIFACT = `${CONFORMANCE_DIR}a.txt`;
const bundleJson = JSON.parse(readFileSync(BUNDLE, 'utf8'));

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const truncated = structuredClone(bundleJson);
truncated.messageSignature.signature = truncated.messageSignature.signature.slice(0, -3);
const wrongType = {
  ...bundleJson,
  mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.9',
};
const notObject = file('array.json', '[1, 2]');

const cases: [string, string[], RegExp][] = [
  [
    'a missing bundle',
    ['verify', ARTIFACT, '--bundle', join(dir, 'nope.json'), '--owner', 'o'],
    /bundle .*nope\.json: no such file/,
  ],
  [
    'a bundle that is not JSON',
    ['verify', ARTIFACT, '--bundle', file('not.json', '{"mediaType": '), '--owner', 'o'],
    /bundle .*not\.json: is not JSON/,
  ],
  [
    'a bundle that is a JSON array',
    ['verify', ARTIFACT, '--bundle', notObject, '--owner', 'o'],
    /is not a JSON object/,
  ],
  [
    'a bundle with an unknown media type',
    ['verify', ARTIFACT, '--bundle', file('type.json', JSON.stringify(wrongType)), '--owner', 'o'],
    /media type .*version=0\.9.* is not a Sigstore bundle/,
  ],
  [
    'a bundle with truncated base64',
    ['verify', ARTIFACT, '--bundle', file('trunc.json', JSON.stringify(truncated)), '--owner', 'o'],
    /messageSignature\.signature is not valid base64/,
  ],
  [
    'a directory instead of a bundle',
    ['verify', ARTIFACT, '--bundle', dir, '--owner', 'o'],
    /bundle .*: is a directory, not a file/,
  ],
  [
    'a missing artifact',
    ['verify', join(dir, 'missing.bin'), '--bundle', BUNDLE, '--owner', 'o'],
    /artifact .*missing\.bin: no such file/,
  ],
  [
    'a directory instead of an artifact',
    ['verify', dir, '--bundle', BUNDLE, '--owner', 'o'],
    /artifact .*: is a directory/,
  ],
  [
    'a digest of the wrong length',
    ['verify', 'sha256:abcd', '--bundle', BUNDLE, '--owner', 'o'],
    /a sha256 digest has 64 hex digits, not 4/,
  ],
  [
    'a missing trusted root',
    [
      'verify',
      ARTIFACT,
      '--bundle',
      BUNDLE,
      '--owner',
      'o',
      '--trusted-root',
      join(dir, 'root.json'),
    ],
    /trusted root .*root\.json: no such file/,
  ],
  [
    'a trusted root that is not JSON',
    [
      'verify',
      ARTIFACT,
      '--bundle',
      BUNDLE,
      '--owner',
      'o',
      '--trusted-root',
      file('root.txt', 'hello\nworld'),
    ],
    /trusted root .*root\.txt: line 1 is not JSON/,
  ],
  [
    'a trusted root that is a directory',
    ['verify', ARTIFACT, '--bundle', BUNDLE, '--owner', 'o', '--trusted-root', dir],
    /trusted root .*: is a directory/,
  ],
  [
    'a trusted root that is not a root',
    [
      'verify',
      ARTIFACT,
      '--bundle',
      BUNDLE,
      '--owner',
      'o',
      '--trusted-root',
      file('empty-root.json', '{}'),
    ],
    /mediaType is not a known trusted root media type/,
  ],
  [
    'a key that is not a key',
    [
      'verify-bundle',
      '--bundle',
      BUNDLE,
      '--key',
      file('bad.pub', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'),
      ARTIFACT,
    ],
    /--key is not a PEM public key/,
  ],
  [
    '--staging',
    [
      'verify-bundle',
      '--staging',
      '--bundle',
      BUNDLE,
      '--certificate-identity',
      'x',
      '--certificate-oidc-issuer',
      'y',
      ARTIFACT,
    ],
    /--staging: no Sigstore staging trusted root is embedded/,
  ],
  [
    'verify-bundle without identity or key',
    ['verify-bundle', '--bundle', BUNDLE, ARTIFACT],
    /--certificate-identity and --certificate-oidc-issuer, or --key/,
  ],
  [
    'an unknown option',
    ['verify', ARTIFACT, '--bundle', BUNDLE, '--owner', 'o', '--frobnicate'],
    /unknown option '--frobnicate'/,
  ],
  [
    'a missing --bundle',
    ['verify', ARTIFACT, '--owner', 'o'],
    /required option '--bundle <file>' not specified/,
  ],
  ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
  [
    'a bad --format',
    ['verify', ARTIFACT, '--bundle', BUNDLE, '--owner', 'o', '--format', 'xml'],
    /--format.*xml.*invalid/,
  ],
  [
    'demo with a bad --participants',
    ['demo', '--participants', '0'],
    /--participants 0: give 1 to 10/,
  ],
];

for (const [name, args, message] of cases) {
  test(`exit 2: ${name}`, async () => {
    const r = await sealbox(args);
    assert.equal(r.status, 2, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, message);
  });
}

test('--format json keeps stdout to one JSON document even on failure', async () => {
  const r = await sealbox([
    'verify',
    `${CONFORMANCE_DIR}README.md`,
    '--bundle',
    BUNDLE,
    '--owner',
    'sigstore-conformance',
    '--format',
    'json',
  ]);
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, false);
  assert.ok(Array.isArray(out.notes));
});

test('help and version exit 0', async () => {
  assert.equal((await sealbox(['--help'])).status, 0);
  assert.equal((await sealbox(['--version'])).status, 0);
});

test('through npx, as users run it, an error is still one line', async () => {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync('npx', ['--no-install', 'sealbox', 'demo', '--participants', 'many'], {
    cwd: new URL('../../', import.meta.url).pathname,
    encoding: 'utf8',
  });
  assert.equal(r.status, 2, r.stderr);
  assertOneCleanLine(r.stderr);
});

test('a reader that stops early (| head) gets no stack trace', async () => {
  const { spawnSync } = await import('node:child_process');
  const { REPO_ROOT, SHARED } = await import('../helpers/cli.ts');
  const ib = `${SHARED}fixtures/inferencebench`;
  // Many separate writes after the reader has gone: each would raise EPIPE.
  const cmd = `'${process.execPath}' '${REPO_ROOT}bin/sealbox.js' envelope verify '${ib}/envelopes' --dev-public-key '${ib}/cosign-2026-05-18-marathon.pub' | head -c 1`;
  const r = spawnSync('sh', ['-c', `${cmd}; ${cmd}; ${cmd}`], { encoding: 'utf8' });
  assert.equal(r.stdout, 'OOO');
  assert.doesNotMatch(r.stderr, /EPIPE|\n\s+at /);
});
