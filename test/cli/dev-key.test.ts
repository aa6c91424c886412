// The dev-key round trip a user tries first: keygen, envelope sign --dev-key,
// envelope verify --dev-public-key. With a log it just works; without one it
// says exactly what to do.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { dropsSyns, type SilentServer } from '../helpers/silent-servers.ts';
import { useStack } from '../helpers/stack.ts';
import { writeUnsignedEnvelope } from '../helpers/envelope.ts';

const ctx = useStack();
let offline: SilentServer;
before(async () => {
  offline = await dropsSyns();
});
after(async () => {
  await offline?.close();
});

async function keyPair(name: string): Promise<{ key: string; pub: string }> {
  const key = join(ctx.dir, `${name}.key`);
  const r = await sealbox(['keygen', '-o', key]);
  assert.equal(r.status, 0, r.stderr);
  return { key, pub: `${key}.pub` };
}

/** A result body both formats take (InferenceBench's needs envelope_version). */
function envelope(name: string): string {
  return writeUnsignedEnvelope(join(ctx.dir, `${name}.json`));
}

test('sign with a dev key (logged on the stack), verify with --dev-public-key', async () => {
  const { key, pub } = await keyPair('logged');
  const file = envelope('logged');
  const signed = await sealbox(['envelope', 'sign', file, '--dev-key', key], ctx.stack.env());
  assert.equal(signed.status, 0, signed.stderr);
  const root = ['--trusted-root', ctx.stack.trustedRootPath];
  const ok = await sealbox([
    'envelope',
    'verify',
    `${file.slice(0, -5)}.signed.json`,
    '--dev-public-key',
    pub,
    ...root,
  ]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^OK\nmethod: sigstore\ncontent_hash: [0-9a-f]{64}\n/);
  assert.match(ok.stdout, /^rekor_log_index: \d+$/m);
  const other = await keyPair('other');
  const wrong = await sealbox([
    'envelope',
    'verify',
    `${file.slice(0, -5)}.signed.json`,
    '--dev-public-key',
    other.pub,
    ...root,
  ]);
  assert.equal(wrong.status, 1, 'another key does not verify it');
  assert.match(wrong.stdout, /^FAIL: /);
});

test('--no-tlog: verification names the missing log entry and the flag that accepts it', async () => {
  const { key, pub } = await keyPair('unlogged');
  const file = envelope('unlogged');
  const out = join(ctx.dir, 'unlogged.signed.json');
  const signed = await sealbox([
    'envelope',
    'sign',
    file,
    '--dev-key',
    key,
    '--no-tlog',
    '-o',
    out,
  ]);
  assert.equal(signed.status, 0, signed.stderr);
  const strict = await sealbox(['envelope', 'verify', out, '--dev-public-key', pub]);
  assert.equal(strict.status, 1);
  assert.equal(
    strict.stdout,
    'FAIL: this envelope has no transparency-log entry (signed with --no-tlog); add --insecure-ignore-tlog to accept that\n',
  );
  const json = await sealbox([
    'envelope',
    'verify',
    out,
    '--dev-public-key',
    pub,
    '--jq',
    '[.checks[] | select(.ok | not) | .code]',
  ]);
  assert.deepEqual(JSON.parse(json.stdout), ['TLOG_MISSING'], 'the signature itself checked out');
  const accepted = await sealbox([
    'envelope',
    'verify',
    out,
    '--dev-public-key',
    pub,
    '--insecure-ignore-tlog',
  ]);
  assert.equal(accepted.status, 0, accepted.stdout + accepted.stderr);
  assert.match(accepted.stdout, /^OK\nmethod: sigstore\n/);
  // --key is the same trust decision for a key-signed bundle.
  const byKey = await sealbox(['envelope', 'verify', out, '--key', pub]);
  assert.equal(byKey.stdout, strict.stdout);
});

test('with no network, signing with a dev key says to use --no-tlog or the InferenceBench format', async () => {
  const { key, pub } = await keyPair('offline');
  const file = envelope('offline');
  const noNetwork = { SEALBOX_REKOR_URL: offline.url, SEALBOX_CONNECT_TIMEOUT: '1' };
  const r = await sealbox(['envelope', 'sign', file, '--dev-key', key], noNetwork);
  assert.equal(r.status, 2, r.stdout);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[0]!, /^sealbox: connecting to Rekor at /, 'what is being tried');
  assertOneCleanLine(lines.slice(1).join('\n'));
  assert.match(
    lines[1]!,
    /Rekor at http:\/\/127\.0\.0\.1:\d+: no connection within 1 s .*; to sign without the log, add --no-tlog \(verifiers then need --insecure-ignore-tlog\) or write --format-out inferencebench \(its dev-key format has no log\)$/,
  );
  // As it says: the InferenceBench format needs no log, and verifies with the anchor.
  const out = join(ctx.dir, 'offline.ib.json');
  const ib = await sealbox(
    ['envelope', 'sign', file, '--dev-key', key, '--format-out', 'inferencebench', '-o', out],
    noNetwork,
  );
  assert.equal(ib.status, 0, ib.stderr);
  const v = await sealbox(['envelope', 'verify', out, '--dev-public-key', pub]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /^OK\nmethod: dev-key\n/);
});
