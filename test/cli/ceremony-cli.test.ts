// A key ceremony from the command line, on the local stack: a box makes a
// 2-of-3 P-256 key; three participants each get a share (box reply checks it
// against the commitments); box verify recomputes what it can; ceremony
// combine recombines the key from any two, refusing one, a repeated or a
// forged share; the key signs as sealbox and openssl take a P-256 key.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { firstBoxIssue, hostBoxCli } from '../helpers/box.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const REPO = 'demo/sealbox';
const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test('a 2-of-3 key ceremony: shares checked, the box verified, the key recombined from any two and used', async () => {
  const { stack, dir } = ctx;
  const file = (name: string) => join(dir, name);
  const run = releasedBoxRun(stack, {
    runId: 6160,
  });
  const out = file('box');
  const host = hostBoxCli(stack, run, [
    '--computation',
    'ceremony',
    '--parameters',
    '{"threshold": 2}',
    '--max-submissions',
    '3',
    '--window',
    '60',
    '--suite',
    'x25519',
    '--out',
    out,
  ]);
  const issue = await firstBoxIssue(stack, 'for the ceremony', 6160);
  const box = `${REPO}#${issue}`;
  const root = ['--trusted-root', stack.trustedRootPath];
  const env = (login: string) => ({
    GITHUB_TOKEN: stack.github.tokenFor(login),
    GITHUB_API_URL: stack.githubApiUrl,
  });
  const people = ['alice', 'bob', 'carol'];
  for (const who of people) {
    const r = await sealbox(
      [
        'box',
        'submit',
        box,
        '-R',
        REPO,
        ...root,
        '--file',
        '-',
        '--receipt-out',
        file(`${who}-receipt.json`),
        '--reply-key-out',
        file(`${who}.key.json`),
      ],
      env(who),
      { input: `${who} is ready` },
    );
    assert.equal(r.status, 0, r.stderr);
  }
  assert.equal(await host.done, 0, host.stderr());

  const verified = await sealbox(['box', 'verify', box, '-R', REPO, ...root, '--format', 'json'], {
    GITHUB_API_URL: stack.githubApiUrl,
  });
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  const v = JSON.parse(verified.stdout);
  assert.match(
    v.checks.find((c: { name: string }) => c.name === 'recompute').reason,
    /a 2-of-3 P-256 key/,
  );
  const publicPem = v.output.public_key.pem as string;

  for (const who of people) {
    const r = await sealbox(
      [
        'box',
        'reply',
        out,
        '-R',
        REPO,
        ...root,
        '--reply-key',
        file(`${who}.key.json`),
        '--out',
        file(`${who}-share.json`),
      ],
      {},
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /share: share \d of 3 matches the ceremony's commitments/);
    assert.equal(statSync(file(`${who}-share.json`)).mode & 0o777, 0o600);
  }

  // Any two recombine the published key; the key file is private, its .pub the published PEM.
  const keys: string[] = [];
  for (const [a, b] of [
    ['alice', 'bob'],
    ['carol', 'alice'],
  ] as const) {
    const key = file(`${a}-${b}.key`);
    const r = await sealbox([
      'ceremony',
      'combine',
      file(`${a}-share.json`),
      file(`${b}-share.json`),
      '--out',
      key,
      '--format',
      'json',
    ]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).public_key.pem, publicPem);
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.equal(readFileSync(`${key}.pub`, 'utf8'), publicPem);
    keys.push(readFileSync(key, 'utf8'));
  }
  assert.equal(keys[0], keys[1], 'the same key from either pair');
  const key = file('alice-bob.key');

  // sealbox signs with it (a key-signed bundle) and verifies against the published key.
  const artifact = file('artifact.txt');
  writeFileSync(artifact, 'signed with a key no one held until two of three met\n');
  const predicate = file('predicate.json');
  writeFileSync(predicate, JSON.stringify({ signed_by: 'a 2-of-3 ceremony key' }));
  const signed = await sealbox([
    'attest',
    artifact,
    '--predicate-type',
    'https://example.com/ceremony/v1',
    '--predicate',
    predicate,
    '--key',
    key,
    '--no-tlog',
    '--no-upload',
    '-o',
    file('artifact.sigstore.json'),
  ]);
  assert.equal(signed.status, 0, signed.stdout + signed.stderr);
  const checked = await sealbox([
    'verify',
    artifact,
    '-b',
    file('artifact.sigstore.json'),
    '--key',
    `${key}.pub`,
    '--insecure-ignore-tlog',
  ]);
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
  if (hasOpenssl) {
    // openssl reads it as its own P-256 key, and its signature verifies under the published key.
    assert.equal(
      execFileSync('openssl', ['pkey', '-in', key, '-pubout'], { encoding: 'utf8' }),
      publicPem,
    );
    execFileSync('openssl', ['dgst', '-sha256', '-sign', key, '-out', file('sig'), artifact]);
    const ok = execFileSync(
      'openssl',
      ['dgst', '-sha256', '-verify', `${key}.pub`, '-signature', file('sig'), artifact],
      { encoding: 'utf8' },
    );
    assert.match(ok, /Verified OK/);
  }

  // Refusals: too few, a share twice, a forged share, another ceremony's, a reply without a share.
  const alice = JSON.parse(readFileSync(file('alice-share.json'), 'utf8'));
  const forged = file('forged-share.json');
  const bumped = ((BigInt(`0x${alice.ceremony.share}`) + 1n) % 2n ** 255n)
    .toString(16)
    .padStart(64, '0');
  writeFileSync(
    forged,
    JSON.stringify({
      ...alice,
      message: JSON.stringify({ index: alice.ceremony.index, share: bumped }),
      ceremony: { ...alice.ceremony, share: bumped },
    }),
  );
  const foreign = file('foreign-share.json');
  writeFileSync(foreign, JSON.stringify({ ...alice, box_id: 'box-another-ceremony' }));
  const plain = file('plain-reply.json');
  writeFileSync(plain, JSON.stringify({ ...alice, ceremony: undefined }));
  const inconsistent = file('inconsistent-share.json');
  writeFileSync(
    inconsistent,
    JSON.stringify({ ...alice, ceremony: { ...alice.ceremony, share: bumped } }),
  );
  const bob = file('bob-share.json');
  const cases: [string[], RegExp][] = [
    [[file('alice-share.json')], /ceremony combine: 1 share given; box .*'s key needs 2/],
    [
      [file('alice-share.json'), file('alice-share.json')],
      /ceremony combine: share \d is given twice/,
    ],
    [
      [file('alice-share.json'), foreign],
      /foreign-share\.json: is a share of another ceremony than .*alice-share\.json/,
    ],
    [[plain, bob], /plain-reply\.json: is a reply without a share/],
    [
      [inconsistent, bob],
      /inconsistent-share\.json: its share is not the one its reply's message carries/,
    ],
    [
      [file('alice-share.json'), bob, '--out', key],
      /private key .*alice-bob\.key: exists; sealbox never overwrites it/,
    ],
    [[file('nothing.json'), bob], /share .*nothing\.json: no such file/],
  ];
  for (const [args, why] of cases) {
    const r = await sealbox(['ceremony', 'combine', ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, why);
  }
  const failed = await sealbox(['ceremony', 'combine', forged, bob, '--out', file('never.key')]);
  assert.equal(failed.status, 1, failed.stdout + failed.stderr);
  assert.match(
    failed.stdout,
    /^FAIL: .*forged-share\.json: share \d does not match the ceremony's commitments; no key written$/m,
  );
  assert.throws(() => statSync(file('never.key')), 'nothing written');
});
