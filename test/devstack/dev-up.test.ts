// `sealbox dev up` as a person runs it: it prints the URLs and export lines,
// a second shell with those exports can attest, and Ctrl-C stops it cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT, sealbox } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'sealbox-dev-up-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('dev up prints exports that make attest work in another shell; Ctrl-C stops it', async () => {
  const child = spawn(
    process.execPath,
    [`${REPO_ROOT}bin/sealbox.js`, 'dev', 'up', '--state', join(dir, 'state')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`dev up did not get ready: ${stdout}${stderr}`)),
        30_000,
      );
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('Stop with Ctrl-C')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    assert.match(stdout, /^sealbox local stack on http:\/\/127\.0\.0\.1:\d+/);
    const env: Record<string, string> = {};
    for (const [, k, v] of stdout.matchAll(/^export (\w+)='([^']*)'$/gm)) env[k!] = v!;
    for (const name of [
      'GITHUB_API_URL',
      'GITHUB_SERVER_URL',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'GITHUB_REPOSITORY',
      'GITHUB_TOKEN',
      'SEALBOX_TRUSTED_ROOT',
    ]) {
      assert.ok(env[name], `${name} is exported`);
    }
    const file = join(dir, 'artifact.bin');
    writeFileSync(file, 'from another shell');
    const attest = await sealbox(['attest', file], env);
    assert.equal(attest.status, 0, attest.stderr);
    assert.match(attest.stdout, /stored: attestation \d+ in demo\/sealbox/);
    const verify = await sealbox([
      'verify',
      file,
      '--bundle',
      `${file}.sigstore.json`,
      '--repo',
      env.GITHUB_REPOSITORY!,
      '--trusted-root',
      env.SEALBOX_TRUSTED_ROOT!,
    ]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await closed, 0, stderr);
  assert.match(stderr, /local stack stopped/);
});
