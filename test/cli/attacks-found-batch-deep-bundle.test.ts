// Found by adversarial testing (wip/adv16): since the pool verifies on the
// calling thread too (de6c0e3), an item that overflows that thread's stack
// aborts the whole `verify-batch`. sealbox's bundle reader walks the whole
// bundle JSON recursively (checkBytesFields in src/sigstore/bundle.ts), and
// the main thread's stack (about 1 MB) gives out near 1,800 nested arrays,
// where a worker thread's (4 MB) lasts to about 7,800. The calling thread
// always takes the first chunk, so a valid bundle carrying an unknown field
// nested 4,000 arrays deep, first in a batch, turns the batch into
// "sealbox: internal error: Maximum call stack size exceeded", exit 2, with
// no verdict for any item, for every --workers. At 2cf3358 every item ran on
// a worker: all 9 items verified, exit 0. Plain @sigstore/verify ignores the
// unknown field and accepts the bundle (checked below).
//
// The second test is older than the pool change: `sealbox verify` of that
// one bundle, on the main thread, is an internal error (exit 2) where
// @sigstore/verify accepts it.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { embeddedTrustedRoot } from '../../src/sigstore/embedded-root.ts';
import { sealbox } from '../helpers/cli.ts';
import { CONFORMANCE_DIR, DEFAULT_IDENTITY, DEFAULT_ISSUER } from '../helpers/conformance.ts';

const DEPTH = 4000;
const ARTIFACT = join(CONFORMANCE_DIR, 'a.txt');
let dir: string;
let deepText: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sealbox-deep-batch-'));
  const good = readFileSync(join(CONFORMANCE_DIR, 'happy-path-v0.3/bundle.sigstore.json'), 'utf8');
  const compact = JSON.stringify(JSON.parse(good));
  // An unknown top-level field: @sigstore/bundle ignores it, the signature does not cover it.
  deepText = `${compact.slice(0, -1)},"zz":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`;
  writeFileSync(join(dir, 'a00.sigstore.json'), deepText);
  copyFileSync(ARTIFACT, join(dir, 'a00'));
  for (let i = 1; i <= 8; i++) {
    writeFileSync(join(dir, `a0${i}.sigstore.json`), compact);
    copyFileSync(ARTIFACT, join(dir, `a0${i}`));
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('control: plain @sigstore/verify accepts the bundle with the deeply nested unknown field', () => {
  const bundle = bundleFromJSON(JSON.parse(deepText));
  const verifier = new Verifier(toTrustMaterial(embeddedTrustedRoot().root));
  verifier.verify(toSignedEntity(bundle, readFileSync(ARTIFACT)), {
    subjectAlternativeName: DEFAULT_IDENTITY,
    extensions: { issuer: DEFAULT_ISSUER },
  });
});

for (const workers of ['1', '2', '3', '8']) {
  test(`verify-batch --workers ${workers}: one deeply nested bundle does not abort the batch`, async () => {
    const r = await sealbox([
      'verify-batch',
      dir,
      '--cert-identity',
      DEFAULT_IDENTITY,
      '--workers',
      workers,
    ]);
    assert.doesNotMatch(r.stderr, /internal error/, r.stderr);
    // Each item has its verdict, as at 2cf3358 (all 9 OK there) and as @sigstore/verify decides.
    for (let i = 0; i <= 8; i++) assert.match(r.stdout, new RegExp(`^OK: a0${i}$`, 'm'), r.stdout);
    assert.match(r.stdout, /^9 passed, 0 failed/m);
    assert.equal(r.status, 0, r.stderr);
  });
}

test('(older than the pool change) verify of the same bundle agrees with @sigstore/verify', async () => {
  const r = await sealbox([
    'verify',
    join(dir, 'a00'),
    '--bundle',
    join(dir, 'a00.sigstore.json'),
    '--cert-identity',
    DEFAULT_IDENTITY,
  ]);
  assert.doesNotMatch(r.stderr, /internal error/, r.stderr);
  assert.equal(r.status, 0, r.stderr);
});
