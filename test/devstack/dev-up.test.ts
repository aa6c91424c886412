// `sealbox dev up` as a person runs it: it prints the URLs and export lines,
// a second shell with those exports can attest, and Ctrl-C stops it cleanly.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT, assertOneCleanLine, sealbox } from '../helpers/cli.ts';

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
    assert.match(
      stdout,
      /^ {2}sealbox: {7}sealbox\/sealbox at v\d+\.\d+\.\d+ \(commit [0-9a-f]{40}\), a release of this stack only/m,
    );
    const env: Record<string, string> = {};
    for (const [, k, v] of stdout.matchAll(/^export (\w+)='([^']*)'$/gm)) env[k!] = v!;
    for (const name of [
      'GITHUB_API_URL',
      'GITHUB_SERVER_URL',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'GITHUB_REPOSITORY',
      'GITHUB_TOKEN',
    ]) {
      assert.ok(env[name], `${name} is exported`);
    }
    // A root taken from the environment would be a trust decision nobody made.
    assert.equal(env.SEALBOX_TRUSTED_ROOT, undefined, 'no trusted root is exported');
    assert.doesNotMatch(stdout, /TRUSTED_ROOT/);
    const root = /^# Verify what it signs with --trusted-root (\S+)$/m.exec(stdout)?.[1];
    assert.ok(root, 'dev up says which root to give with --trusted-root');
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
      root,
    ]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await closed, 0, stderr);
  assert.match(stderr, /local stack stopped/);
});

test('dev up --users prints a token per user as an export line a shell can source', async () => {
  const child = spawn(
    process.execPath,
    [
      `${REPO_ROOT}bin/sealbox.js`,
      'dev',
      'up',
      '--state',
      join(dir, 'state'),
      '--users',
      'alice,mary-jo',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready: ${stdout}${stderr}`)), 30_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('Stop with Ctrl-C')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const lines = stdout.split('\n').filter((l) => l.startsWith('export SEALBOX_TOKEN_'));
    assert.equal(lines.length, 2, stdout);
    assert.match(lines[0]!, /^export SEALBOX_TOKEN_ALICE='ghp_[0-9a-f]+' {2}# alice, user id \d+$/);
    assert.match(
      lines[1]!,
      /^export SEALBOX_TOKEN_MARY_JO='ghp_[0-9a-f]+' {2}# mary-jo, user id \d+$/,
    );
    // A shell runs the export lines as printed (comments and all) and uses a token.
    const exports = stdout.split('\n').filter((l) => l.startsWith('export ') || l.startsWith('#'));
    const script = `${exports.join('\n')}\nprintf '%s %s' "$SEALBOX_TOKEN_MARY_JO" "$GITHUB_API_URL"`;
    const shell = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
    assert.equal(shell.status, 0, shell.stderr);
    const [token, api] = shell.stdout.split(' ');
    const me = await fetch(`${api}/user`, { headers: { authorization: `token ${token}` } });
    const user = (await me.json()) as { login: string; id: number };
    assert.equal(user.login, 'mary-jo');
    assert.equal(`${user.id}`, /user id (\d+)/.exec(lines[1]!)![1]);
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await closed, 0, stderr);
});

test('dev up --users refuses what is not a GitHub login, in one line', async () => {
  for (const [users, why] of [
    ['alice,not a login', /--users: "not a login" is not a GitHub login/],
    ['-alice', /is not a GitHub login/],
    ['a--b', /"a--b" is not a GitHub login/],
    ['', /"" is not a GitHub login/],
    ['alice,ALICE', /--users: alice and ALICE are the same user/],
  ] as const) {
    const r = await sealbox(['dev', 'up', '--state', join(dir, 'state'), `--users=${users}`]);
    assert.equal(r.status, 2, users);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, why);
  }
});
