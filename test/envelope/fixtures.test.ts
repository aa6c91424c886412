// The real InferenceBench envelopes and the Python-compatibility vectors,
// through the CLI as a user runs it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SHARED, assertOneCleanLine, sealbox } from '../helpers/cli.ts';

const IB = `${SHARED}fixtures/inferencebench/`;
const VEC = `${SHARED}fixtures/envelope-vectors/`;
const anchor = `${IB}cosign-2026-05-18-marathon.pub`;
const ibHashes: Record<string, string> = JSON.parse(
  readFileSync(`${IB}expected-content-hashes.json`, 'utf8'),
);
const vecHashes: Record<string, string> = JSON.parse(readFileSync(`${VEC}expected.json`, 'utf8'));

for (const name of readdirSync(`${IB}envelopes`).sort()) {
  test(`InferenceBench ${name} verifies against the marathon anchor with the upstream hash`, async () => {
    const r = await sealbox([
      'envelope',
      'verify',
      `${IB}envelopes/${name}`,
      '--dev-public-key',
      anchor,
    ]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'OK');
    assert.equal(lines[1], 'method: dev-key');
    assert.equal(lines[2], `content_hash: ${ibHashes[`envelopes/${name}`]}`);
    assert.deepEqual(
      lines.slice(3).map((l) => l.split(':')[0]),
      ['suite', 'model', 'engine', 'rekor_log_index', 'signer_identity', 'signer_issuer'],
    );
    assert.equal(lines[6], 'rekor_log_index: -');
  });
}

for (const name of readdirSync(`${IB}other-keys`).sort()) {
  test(`InferenceBench ${name}, signed by an unpublished key, fails against the anchor and is refused without one`, async () => {
    const against = await sealbox([
      'envelope',
      'verify',
      `${IB}other-keys/${name}`,
      '--dev-public-key',
      anchor,
    ]);
    assert.equal(against.status, 1, against.stdout + against.stderr);
    assert.match(against.stdout, /^FAIL: signed by a key that is not a trust anchor/);
    const without = await sealbox(['envelope', 'verify', `${IB}other-keys/${name}`]);
    assert.equal(without.status, 2);
    assertOneCleanLine(without.stderr);
    assert.match(without.stderr, /refusing to verify without a trust anchor or identity policy/);
    const hash = await sealbox(['envelope', 'hash', `${IB}other-keys/${name}`]);
    assert.equal(hash.stdout.trim(), ibHashes[`other-keys/${name}`]);
  });
}

test('Python-compatibility vectors: every valid one verifies with its hash, every tampered twin fails', async () => {
  const valid = await sealbox([
    'envelope',
    'verify',
    `${VEC}valid`,
    '--dev-public-key',
    `${VEC}signer.pub`,
    '--format',
    'json',
  ]);
  assert.equal(valid.status, 0, valid.stdout);
  const out = JSON.parse(valid.stdout);
  assert.equal(out.passed, 12);
  for (const r of out.results) {
    const rel = r.label.slice(VEC.length);
    assert.equal(r.content_hash, vecHashes[rel], rel);
  }
  const tampered = await sealbox([
    'envelope',
    'verify',
    `${VEC}tampered`,
    '--dev-public-key',
    `${VEC}signer.pub`,
    '--format',
    'json',
  ]);
  assert.equal(tampered.status, 1);
  const t = JSON.parse(tampered.stdout);
  assert.equal(t.failed, 12);
  assert.deepEqual(t.failures_by_reason, { SIGNATURE_MISMATCH: 12 });
});

test('a corpus prints each verdict and a summary by reason', async () => {
  const r = await sealbox([
    'envelope',
    'verify',
    `${IB}envelopes`,
    `${IB}other-keys`,
    '--dev-public-key',
    anchor,
  ]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^10 passed, 2 failed$/m);
  assert.match(r.stdout, /^ {2}2 failed: UNTRUSTED_KEY$/m);
});

test('a directory of anchors, and a glob of envelopes', async () => {
  const r = await sealbox([
    'envelope',
    'verify',
    `${IB}envelopes/1*.json`,
    '--dev-public-key',
    IB.replace(/\/$/, ''),
  ]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^5 passed, 0 failed$/m);
});

test('on a terminal, a corpus shows a progress bar on stderr', async () => {
  const { spawnSync } = await import('node:child_process');
  const { REPO_ROOT } = await import('../helpers/cli.ts');
  // `script` gives the command a pseudo-terminal, as a person's shell would.
  const command = [
    process.execPath,
    `${REPO_ROOT}bin/sealbox.js`,
    'envelope',
    'verify',
    `${IB}envelopes`,
    '--dev-public-key',
    anchor,
  ]
    .map((a) => `'${a}'`)
    .join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /verifying \[[^\]]*\] 10\/10 envelopes/);
  assert.match(r.stdout, /10 passed, 0 failed/);
});
