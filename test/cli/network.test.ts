// Network time limits on GitHub and Sigstore requests, against loopback
// addresses that never answer: the user sees within 5 s what is being tried,
// then one line, and the command ends (exit 2) without waiting any longer.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT, sealbox } from '../helpers/cli.ts';
import { acceptsNeverAnswers, dropsSyns, type SilentServer } from '../helpers/silent-servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'sealbox-network-'));
writeFileSync(join(dir, 'predicate.json'), '{"note": "a test"}');
// A token Fulcio would refuse; it never gets to see it.
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const UNSIGNED_TOKEN = `${b64({ alg: 'none' })}.${b64({ iss: 'https://token.actions.githubusercontent.com', sub: 'repo:octo/app:ref:refs/heads/main', aud: 'sigstore' })}.c2ln`;
const PREDICATE = [
  '--predicate-type',
  'https://example.com/test',
  '--predicate',
  join(dir, 'predicate.json'),
];
let silent: SilentServer;
let dropping: SilentServer;
before(async () => {
  silent = await acceptsNeverAnswers();
  dropping = await dropsSyns();
});
after(async () => {
  await silent?.close();
  await dropping?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Timed {
  status: number | null;
  stdout: string;
  /** Each stderr line with the milliseconds since the command started. */
  lines: { at: number; text: string }[];
  elapsed: number;
}

function timed(args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [`${REPO_ROOT}bin/sealbox.js`, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let pending = '';
    const lines: Timed['lines'] = [];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      pending += d;
      let i;
      while ((i = pending.indexOf('\n')) >= 0) {
        lines.push({ at: performance.now() - start, text: pending.slice(0, i) });
        pending = pending.slice(i + 1);
      }
    });
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout, lines, elapsed: performance.now() - start }),
    );
  });
}

/** Short limits, so each case takes seconds: connect 2 s, total 2.5 s. */
const LIMITS = { SEALBOX_CONNECT_TIMEOUT: '2', SEALBOX_TIMEOUT: '2.5' };

function assertNoticeThenOneLine(r: Timed, notice: RegExp, last: RegExp, maxMs: number) {
  const texts = r.lines.map((l) => l.text);
  assert.equal(r.status, 2, texts.join('\n'));
  assert.equal(r.lines.length, 2, `a notice, then one line:\n${texts.join('\n')}`);
  assert.match(texts[0]!, notice);
  assert.ok(r.lines[0]!.at < 5000, `the notice came after ${r.lines[0]!.at} ms`);
  assert.match(texts[1]!, last);
  assert.doesNotMatch(texts.join('\n'), /\n\s+at |internal error/);
  assert.ok(r.elapsed < maxMs, `the command took ${Math.round(r.elapsed)} ms`);
}

test('GitHub: a server that accepts and never answers', async () => {
  const r = await timed(['box', 'status', 'octo/app#1'], { ...LIMITS, GITHUB_API_URL: silent.url });
  assertNoticeThenOneLine(
    r,
    /^sealbox: waiting for GitHub's API at http:\/\/127\.0\.0\.1:\d+ \(GET \/repos\/octo\/app\/issues\/1; giving up after 2\.5 s\)$/,
    /^sealbox: .*GitHub's API at http:\/\/127\.0\.0\.1:\d+: no answer within 2\.5 s$/,
    6000,
  );
});

test('GitHub: a port that drops SYNs (as with no network), not retried', async () => {
  const r = await timed(
    ['verify', join(REPO_ROOT, 'README.md'), '--from-github', '-R', 'octo/app'],
    {
      ...LIMITS,
      GITHUB_API_URL: dropping.url,
    },
  );
  assertNoticeThenOneLine(
    r,
    /^sealbox: connecting to GitHub's API at http:\/\/127\.0\.0\.1:\d+ \(giving up after 2 s\)$/,
    /GitHub's API at http:\/\/127\.0\.0\.1:\d+: no connection within 2 s \(no network, or a firewall drops it\)$/,
    // Octokit would retry three times, with waits of 1, 4 and 9 s: it does not.
    5500,
  );
});

test('Sigstore: Rekor on a port that drops SYNs', async () => {
  const file = join(dir, 'artifact.txt');
  writeFileSync(file, 'an artifact');
  const key = join(dir, 'k.key');
  const made = await sealbox(['keygen', '-o', key]);
  assert.equal(made.status, 0, made.stderr);
  const r = await timed(
    ['attest', file, ...PREDICATE, '--key', key, '--rekor-url', dropping.url, '--no-upload'],
    LIMITS,
  );
  assertNoticeThenOneLine(
    r,
    /^sealbox: connecting to Rekor at http:\/\/127\.0\.0\.1:\d+ \(giving up after 2 s\)$/,
    /^sealbox: Rekor at http:\/\/127\.0\.0\.1:\d+: no connection within 2 s/,
    5500,
  );
});

test('Sigstore: Fulcio and Rekor that accept and never answer', async () => {
  const file = join(dir, 'keyless.txt');
  writeFileSync(file, 'keyless');
  const r = await timed(
    [
      'attest',
      file,
      ...PREDICATE,
      '--identity-token',
      UNSIGNED_TOKEN,
      '--fulcio-url',
      silent.url,
      '--rekor-url',
      silent.url,
      '--no-upload',
    ],
    LIMITS,
  );
  assertNoticeThenOneLine(
    r,
    /^sealbox: signing: waiting for Fulcio at http:\/\/127\.0\.0\.1:\d+, Rekor at http:\/\/127\.0\.0\.1:\d+ \(giving up after 2\.5 s\)$/,
    /^sealbox: signing: no answer from Fulcio at .*, Rekor at .* within 2\.5 s$/,
    6000,
  );
});

test('the default limits: a notice within 5 s, then one line when the connect timeout (5 s) passes', async () => {
  const r = await timed(['box', 'status', 'octo/app#1'], { GITHUB_API_URL: dropping.url });
  assertNoticeThenOneLine(
    r,
    /^sealbox: connecting to GitHub's API .*\(giving up after 5 s\)$/,
    /no connection within 5 s/,
    8000,
  );
  assert.ok(r.lines[0]!.at < 3000, 'the notice comes well before the limit');
});

test('a limit that is not a number is a usage error', async () => {
  const r = await sealbox(['box', 'status', 'octo/app#1'], {
    SEALBOX_TIMEOUT: 'soon',
    GITHUB_API_URL: silent.url,
  });
  assert.equal(r.status, 2);
  assert.match(
    r.stderr,
    /^sealbox: SEALBOX_TIMEOUT=soon: give a number of seconds above 0 and at most 2147483\n$/,
  );
});

test('a limit longer than a timer can wait is a usage error, not a timer that fires at once', async () => {
  const r = await sealbox(['box', 'status', 'octo/app#1'], {
    SEALBOX_TIMEOUT: '3000000',
    GITHUB_API_URL: silent.url,
  });
  assert.equal(r.status, 2);
  assert.match(
    r.stderr,
    /^sealbox: SEALBOX_TIMEOUT=3000000: give a number of seconds above 0 and at most 2147483\n$/,
  );
});
