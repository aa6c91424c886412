// Found by adversarial testing (wip/adv16b): an artifact that is a pipe
// (`sealbox verify <(curl ...)`, `... | sealbox verify /dev/stdin`) is read
// twice by resolveArtifact (src/node/files.ts): once to hash it (stat gives
// size 0, so readFileSync reads it whole) and again by `read()` when the
// signature of a message-signature bundle is checked over the bytes
// (bindArtifact in src/adapters/sigstore-verifier.ts). The second read of a
// pipe already drained gives no bytes, so the artifact check passes (the
// digest of the first read matches) and the signature check fails:
// "SIGNATURE_ERROR: signature verification failed", exit 1, for a bundle that
// @sigstore/verify accepts over the same bytes, and that `sealbox verify -`
// (standard input, read once) accepts too. Same for `verify-bundle`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { embeddedTrustedRoot } from '../../src/sigstore/embedded-root.ts';
import { spawn } from 'node:child_process';
import { collect, REPO_ROOT, sealbox, type CliResult } from '../helpers/cli.ts';
import { CONFORMANCE_DIR, DEFAULT_IDENTITY, DEFAULT_ISSUER } from '../helpers/conformance.ts';

const ARTIFACT = join(CONFORMANCE_DIR, 'a.txt');
const BUNDLE = join(CONFORMANCE_DIR, 'happy-path-v0.3/bundle.sigstore.json');

test('control: @sigstore/verify accepts the message-signature bundle over the artifact bytes', () => {
  const bundle = bundleFromJSON(JSON.parse(readFileSync(BUNDLE, 'utf8')));
  new Verifier(toTrustMaterial(embeddedTrustedRoot().root)).verify(
    toSignedEntity(bundle, readFileSync(ARTIFACT)),
    { subjectAlternativeName: DEFAULT_IDENTITY, extensions: { issuer: DEFAULT_ISSUER } },
  );
});

test('control: sealbox verify - (standard input) accepts it', async () => {
  const r = await sealbox(
    ['verify', '-', '--bundle', BUNDLE, '--cert-identity', DEFAULT_IDENTITY],
    {},
    { input: readFileSync(ARTIFACT) },
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

/** Runs the CLI with the artifact written into a real pipe (as `cat a.txt | sealbox ...` does). */
function sealboxFromPipe(args: string[]): Promise<CliResult> {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const line = `cat ${quote(ARTIFACT)} | exec ${quote(process.execPath)} ${quote(`${REPO_ROOT}bin/sealbox.js`)} ${args.map(quote).join(' ')}`;
  return collect(spawn('/bin/sh', ['-c', line], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

test('verify of an artifact given as a pipe (/dev/stdin) agrees with @sigstore/verify', async () => {
  const r = await sealboxFromPipe([
    'verify',
    '/dev/stdin',
    '--bundle',
    BUNDLE,
    '--cert-identity',
    DEFAULT_IDENTITY,
  ]);
  assert.doesNotMatch(r.stdout, /SIGNATURE_ERROR/, r.stdout);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('verify-bundle of an artifact given as a pipe (/dev/stdin) agrees with @sigstore/verify', async () => {
  const r = await sealboxFromPipe([
    'verify-bundle',
    '--bundle',
    BUNDLE,
    '--certificate-identity',
    DEFAULT_IDENTITY,
    '--certificate-oidc-issuer',
    DEFAULT_ISSUER,
    '/dev/stdin',
  ]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
