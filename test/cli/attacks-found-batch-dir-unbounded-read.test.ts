// Found by adversarial testing (wip/adv16b): `verify-batch DIR` reads each
// NAME.sigstore.json with a plain readFileSync (readBatch in
// src/node/batch.ts), not with readBoundedFile (src/node/files.ts), whose
// comment names exactly this evidence: "a link to /dev/zero, a named pipe or
// a sparse giant". Every other reader of a bundle (`verify --bundle`,
// `verify-bundle`, JSON Lines batches) refuses a non-regular file and one
// over 64 MiB with one line, exit 2. In a batch directory:
// - a named pipe as a bundle: verify-batch blocks forever (the test gives it
//   20 s), where `verify --bundle` of the same path says "is not a regular
//   file", exit 2;
// - a bundle over the 64 MiB bound (a valid bundle followed by 65 MiB of
//   spaces): verify-batch verifies it, OK, exit 0, where `verify` refuses it
//   ("is larger than 67108864 bytes"), exit 2: a verdict that differs between
//   the batch and one-by-one verification;
// - a link to /dev/zero (not run here: it eats memory): under `ulimit -v 3 GB`
//   verify-batch read 1.5 GB before "internal error: Failed to allocate
//   memory"; without a limit it reads until the machine's memory runs out.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT, sealbox, type CliResult } from '../helpers/cli.ts';
import { CONFORMANCE_DIR, DEFAULT_IDENTITY } from '../helpers/conformance.ts';

const ARTIFACT = join(CONFORMANCE_DIR, 'a.txt');
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sealbox-batch-unbounded-'));
  const compact = JSON.stringify(
    JSON.parse(readFileSync(join(CONFORMANCE_DIR, 'happy-path-v0.3/bundle.sigstore.json'), 'utf8')),
  );
  mkdirSync(join(dir, 'fifo'));
  copyFileSync(ARTIFACT, join(dir, 'fifo', 'a'));
  execFileSync('mkfifo', [join(dir, 'fifo', 'a.sigstore.json')]);
  mkdirSync(join(dir, 'big'));
  copyFileSync(ARTIFACT, join(dir, 'big', 'a'));
  writeFileSync(join(dir, 'big', 'a.sigstore.json'), compact + ' '.repeat(65 * 1024 * 1024));
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI, killed after `ms` (status null then). */
function sealboxWithin(args: string[], ms: number): Promise<CliResult & { timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${REPO_ROOT}bin/sealbox.js`, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ms);
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut });
    });
  });
}

test('control: verify --bundle refuses the named pipe and the oversized bundle, exit 2', async () => {
  for (const sub of ['fifo', 'big']) {
    const r = await sealboxWithin(
      [
        'verify',
        ARTIFACT,
        '--bundle',
        join(dir, sub, 'a.sigstore.json'),
        '--cert-identity',
        DEFAULT_IDENTITY,
      ],
      20_000,
    );
    assert.equal(r.timedOut, false);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /is not a regular file|is larger than/);
  }
});

test('verify-batch of a directory whose bundle is a named pipe ends, with an input error', async () => {
  const r = await sealboxWithin(
    ['verify-batch', join(dir, 'fifo'), '--cert-identity', DEFAULT_IDENTITY, '--workers', '1'],
    20_000,
  );
  assert.equal(r.timedOut, false, 'verify-batch was still waiting on the named pipe after 20 s');
  assert.notEqual(r.status, 0);
});

test('verify-batch holds a bundle over 64 MiB to the same bound as verify (not OK)', async () => {
  const r = await sealbox([
    'verify-batch',
    join(dir, 'big'),
    '--cert-identity',
    DEFAULT_IDENTITY,
    '--workers',
    '1',
  ]);
  assert.doesNotMatch(r.stdout, /^OK: a$/m, r.stdout);
  assert.notEqual(r.status, 0, r.stdout + r.stderr);
});
