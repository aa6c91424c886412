// The demo as the acceptance checks run it: a whole auction on the local
// stack, verified, then broken by an edit and by swapping in another run's
// manifest or result.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sealbox } from '../helpers/cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sealbox-demo-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const state = join(scratch, 'state');
const first = join(scratch, 'd1');
const second = join(scratch, 'd2');
const verify = (dir: string, extra: string[] = []) =>
  sealbox([
    'box',
    'verify',
    dir,
    '--trusted-root',
    join(state, 'trusted_root.json'),
    '--repo',
    'demo/sealbox',
    '--format',
    'json',
    ...extra,
  ]);
const failedChecks = (stdout: string) =>
  JSON.parse(stdout)
    .checks.filter((c: { ok: boolean }) => !c.ok)
    .map((c: { name: string }) => c.name);

test('demo --adversarial: every attack rejected with its reason, every honest bid accepted, and it verifies', async () => {
  const r = await sealbox([
    'demo',
    '--out',
    first,
    '--state',
    state,
    '--adversarial',
    '--participants',
    '3',
  ]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    new RegExp(
      `npx sealbox box verify ${first} --trusted-root ${state}/trusted_root.json --repo demo/sealbox`,
    ),
  );
  const result = JSON.parse(readFileSync(join(first, 'result.json'), 'utf8'));
  const by = Object.fromEntries(
    result.submissions.map((s: { author_login: string; status: string; reason?: string }) => [
      `${s.author_login}:${s.reason ?? s.status}`,
      true,
    ]),
  );
  for (const k of [
    'alice:accepted',
    'bob:accepted',
    'carol:accepted',
    'mallory:undecryptable',
    'oscar:malformed',
    'trudy:too_large',
    'peggy:edited',
    'bob:duplicate',
    'victor:late',
  ]) {
    assert.ok(by[k], `${k} in ${JSON.stringify(result.submissions)}`);
  }
  assert.equal(result.counts.accepted, 3);
  assert.equal(result.output.valid_bids, 3, 'every honest bid counted');
  const v = await verify(first);
  assert.equal(v.status, 0, v.stdout);
  assert.deepEqual(
    JSON.parse(v.stdout).checks.map((c: { name: string }) => c.name),
    [
      'manifest_bundle',
      'result_bundle',
      'linkage',
      'runner',
      'release',
      'subjects',
      'manifest_digest',
      'issue',
      'window',
      'transcript',
      'recompute',
    ],
  );
  assert.match(JSON.parse(v.stdout).notes.join('\n'), /pin them with --signer-workflow/);
  assert.match(
    JSON.parse(v.stdout).checks.find((c: { name: string }) => c.name === 'release').reason,
    /^release v\d+\.\d+\.\d+ \(commit [0-9a-f]{12}\)$/,
  );
});

test('any edit of result.json fails verification', async () => {
  const edited = join(scratch, 'edited');
  cpSync(first, edited, { recursive: true });
  const text = readFileSync(join(edited, 'result.json'), 'utf8');
  writeFileSync(
    join(edited, 'result.json'),
    text.replace('"status": "accepted"', '"status": "rejected"'),
  );
  const v = await verify(edited);
  assert.equal(v.status, 1);
  assert.ok(failedChecks(v.stdout).includes('result_bundle'));
});

test('a manifest or a result swapped in from another demo run on the same state fails linkage', async () => {
  const r = await sealbox(['demo', '--out', second, '--state', state]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  for (const files of [
    ['manifest.json', 'manifest.sigstore.json'],
    ['result.json', 'result.sigstore.json'],
  ]) {
    const mixed = join(scratch, `mixed-${files[0]}`);
    cpSync(first, mixed, { recursive: true });
    for (const f of files) cpSync(join(second, f), join(mixed, f));
    const v = await verify(mixed);
    assert.equal(v.status, 1, v.stdout);
    assert.ok(failedChecks(v.stdout).includes('linkage'), v.stdout);
  }
});

test('box verify needs --repo, and pins the default signer: another signer fails', async () => {
  const noRepo = await sealbox([
    'box',
    'verify',
    first,
    '--trusted-root',
    join(state, 'trusted_root.json'),
  ]);
  assert.equal(noRepo.status, 2);
  const other = await verify(first, [
    '--signer-workflow',
    'demo/sealbox/.github/workflows/auction.yml',
  ]);
  assert.equal(other.status, 1);
  assert.ok(failedChecks(other.stdout).includes('manifest_bundle'));
});

test('a trusted root shipped inside the evidence directory is warned about', async () => {
  const shipped = join(first, 'trusted_root.json');
  cpSync(join(state, 'trusted_root.json'), shipped);
  try {
    const r = await sealbox([
      'box',
      'verify',
      first,
      '--trusted-root',
      shipped,
      '--repo',
      'demo/sealbox',
    ]);
    assert.match(r.stderr, /warning: the trusted root .* is inside the evidence directory/);
    // The stack's release list lives beside its own root, not beside a copy: no release here.
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAIL release +UNKNOWN_RELEASE: unknown release: update sealbox/);
    const outside = await verify(first);
    assert.doesNotMatch(JSON.stringify(JSON.parse(outside.stdout).notes), /evidence directory/);
  } finally {
    rmSync(shipped);
  }
});
