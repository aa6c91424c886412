// Inputs beyond one bundle and one small file: JSON Lines of bundles (as
// `gh attestation download` writes), large artifacts hashed streaming,
// key-signed bundles, and offline operation.
import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import {
  createReadStream,
  mkdtempSync,
  readFileSync,
  writeFileSync,
  truncateSync,
  openSync,
  writeSync,
  closeSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bundleToJSON, toMessageSignatureBundle } from '@sigstore/bundle';
import { createHash } from 'node:crypto';
import { sealbox } from '../helpers/cli.ts';
import { CONFORMANCE_DIR, DEFAULT_IDENTITY, DEFAULT_ISSUER } from '../helpers/conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'sealbox-inputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const A = `${CONFORMANCE_DIR}a.txt`;
const good = JSON.parse(
  readFileSync(`${CONFORMANCE_DIR}happy-path-v0.3/bundle.sigstore.json`, 'utf8'),
);
const tampered = structuredClone(good);
tampered.messageSignature.signature = Buffer.from('not the signature at all, but base64').toString(
  'base64',
);
const identity = ['--cert-identity', DEFAULT_IDENTITY, '--cert-oidc-issuer', DEFAULT_ISSUER];

test('JSON Lines of bundles: passes when one satisfies the policy, reports all', async () => {
  const file = join(dir, 'attestations.jsonl');
  // The second line wraps its bundle as `gh attestation download` does.
  writeFileSync(file, `${JSON.stringify(tampered)}\n${JSON.stringify({ bundle: good })}\n`);
  const r = await sealbox(['verify', A, '--bundle', file, ...identity, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.bundles.length, 2);
  assert.equal(out.bundles[0].ok, false);
  assert.equal(out.bundles[0].bundle, `${file}#1`);
  assert.equal(out.bundles[1].ok, true);
  assert.ok(
    out.checks.every((c: { ok: boolean }) => c.ok),
    "top-level checks are the passing bundle's",
  );
});

test('JSON Lines where no bundle satisfies the policy fails and shows each', async () => {
  const file = join(dir, 'bad.jsonl');
  writeFileSync(file, `${JSON.stringify(tampered)}\n${JSON.stringify(tampered)}\n`);
  const r = await sealbox(['verify', A, '--bundle', file, ...identity]);
  assert.equal(r.status, 1);
  assert.equal((r.stdout.match(/^FAIL: /gm) ?? []).length, 2);
});

test('a bad line in JSON Lines is named', async () => {
  const file = join(dir, 'broken.jsonl');
  writeFileSync(file, `${JSON.stringify(good)}\n{"mediaType":\n`);
  const r = await sealbox(['verify', A, '--bundle', file, ...identity]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /broken\.jsonl#2: is not JSON/);
});

test('verification opens no network connection', async () => {
  const preload = new URL('../helpers/no-network.mjs', import.meta.url).pathname;
  const r = await sealbox(
    [
      'verify',
      A,
      '--bundle',
      `${CONFORMANCE_DIR}happy-path-v0.3/bundle.sigstore.json`,
      ...identity,
    ],
    {
      NODE_OPTIONS: `--import=${preload}`,
    },
  );
  assert.equal(r.status, 0, r.stderr);
});

// A key-signed message-signature bundle over a file, with no log entry.
async function keySigned(path: string, curve: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const signer = createSign('sha256');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) {
    signer.update(chunk as Buffer);
    hash.update(chunk as Buffer);
  }
  const bundle = toMessageSignatureBundle({
    digest: hash.digest(),
    signature: signer.sign(privateKey),
    keyHint: 'test-key',
  });
  const bundlePath = `${path}.sigstore.json`;
  writeFileSync(bundlePath, JSON.stringify(bundleToJSON(bundle)));
  const keyPath = `${path}.pub`;
  writeFileSync(keyPath, publicKey.export({ type: 'spki', format: 'pem' }));
  return { bundlePath, keyPath };
}

/** Peak resident memory (VmHWM, kB) of a child process, sampled until it exits. */
async function peakRss(
  args: string[],
): Promise<{ status: number | null; peakKb: number; stderr: string }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    [new URL('../../bin/sealbox.js', import.meta.url).pathname, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let peakKb = 0;
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      /* exited */
    }
  }, 5);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  return { status, peakKb, stderr };
}

test('a large artifact is hashed streaming and never read whole', async () => {
  const big = join(dir, 'big.bin');
  const size = 256 * 1024 * 1024;
  truncateSync(openAndClose(big), size);
  const fd = openSync(big, 'r+');
  writeSync(fd, 'sealbox large artifact', 12345);
  closeSync(fd);
  const { bundlePath, keyPath } = await keySigned(big, 'prime256v1');
  const args = ['verify', big, '--bundle', bundlePath, '--key', keyPath, '--insecure-ignore-tlog'];
  const r = await peakRss(args);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.peakKb > 0, 'sampled');
  assert.ok(
    r.peakKb < 160 * 1024,
    `peak RSS ${Math.round(r.peakKb / 1024)} MiB for a ${size / 1048576} MiB artifact`,
  );
  // The same file changed by one byte fails.
  const fd2 = openSync(big, 'r+');
  writeSync(fd2, 'S', 12345);
  closeSync(fd2);
  const changed = await sealbox(args);
  assert.equal(changed.status, 1);
  assert.match(changed.stdout, /is not the signed message/);
});

function openAndClose(path: string): string {
  closeSync(openSync(path, 'w'));
  return path;
}

test('P-384 keys and small artifacts take the same verdicts', async () => {
  const small = join(dir, 'small.txt');
  writeFileSync(small, 'hello');
  const { bundlePath, keyPath } = await keySigned(small, 'secp384r1');
  const ok = await sealbox([
    'verify',
    small,
    '--bundle',
    bundlePath,
    '--key',
    keyPath,
    '--insecure-ignore-tlog',
  ]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const other = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({
    type: 'spki',
    format: 'pem',
  });
  const otherKey = join(dir, 'other.pub');
  writeFileSync(otherKey, other);
  const wrong = await sealbox([
    'verify',
    small,
    '--bundle',
    bundlePath,
    '--key',
    otherKey,
    '--insecure-ignore-tlog',
  ]);
  assert.equal(wrong.status, 1);
  const noTlog = await sealbox(['verify', small, '--bundle', bundlePath, '--key', keyPath]);
  assert.equal(noTlog.status, 1, 'a log entry is required unless waived');
});

test('--key on a certificate-signed bundle is a verification failure, not a pass', async () => {
  const key = `${CONFORMANCE_DIR}managed-key-and-trusted-root/key.pub`;
  const r = await sealbox([
    'verify',
    A,
    '--bundle',
    `${CONFORMANCE_DIR}happy-path-v0.3/bundle.sigstore.json`,
    '--key',
    key,
    '--format',
    'json',
  ]);
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.checks.find((c: { name: string }) => c.name === 'key').code, 'KEY_MISMATCH');
});
