// Private replies from the command line, on the local stack: box submit
// attaches a fresh reply key by default and keeps it in a file of its own
// (mode 0600, never in the receipt); box reply verifies the box, opens the
// participant's reply and checks its commitment; a reply document proves to
// anyone what the box said (box verify --reply-proof); --events jsonl streams;
// bad inputs are one line and exit 2.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { firstBoxIssue, hostBoxCli } from '../helpers/box.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const REPO = 'demo/sealbox';

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('box submit keeps a reply key; box reply opens the reply; a reply document proves it; bad inputs', async () => {
  const { stack, dir } = ctx;
  const run = releasedBoxRun(stack, {
    runId: 5150,
  });
  const out = join(dir, 'box');
  const host = hostBoxCli(stack, run, [
    '--computation',
    'auction',
    '--parameters',
    '{"type":"second-price"}',
    '--max-submissions',
    '3',
    '--window',
    '60',
    '--out',
    out,
    '--events',
    'jsonl',
  ]);
  const issue = await firstBoxIssue(stack, 'for replies', 5150);
  const box = `${REPO}#${issue}`;
  const root = ['--trusted-root', stack.trustedRootPath];
  const as = (login: string) => ({
    GITHUB_TOKEN: stack.github.tokenFor(login),
    GITHUB_API_URL: stack.githubApiUrl,
  });
  const file = (name: string) => join(dir, name);

  // alice: --format json; the reply key path in the document, the key in its own file.
  const alice = await sealbox(
    ['box', 'submit', box, '-R', REPO, ...root, '--file', '-', '--format', 'json'],
    as('alice'),
    { input: '4100', cwd: dir },
  );
  assert.equal(alice.status, 0, alice.stderr);
  const aliceDoc = JSON.parse(alice.stdout);
  const boxId = aliceDoc.receipt.box_id as string;
  assert.equal(aliceDoc.reply_key_path, `sealbox-reply-key-${boxId}.json`);
  const aliceKey = file(aliceDoc.reply_key_path);
  assert.equal(statSync(aliceKey).mode & 0o777, 0o600, 'the reply key is private');
  const keyFile = JSON.parse(readFileSync(aliceKey, 'utf8'));
  assert.equal(keyFile.comment_id, aliceDoc.comment_id, 'the key names its comment once posted');
  assert.equal(keyFile.box, box);
  const receiptText = readFileSync(file(aliceDoc.receipt_path), 'utf8');
  assert.ok(
    !receiptText.includes(keyFile.seed) && !/seed|reply/.test(receiptText),
    'no key in the receipt',
  );

  // An existing key path is refused before anything is posted.
  const again = await sealbox(
    ['box', 'submit', box, '-R', REPO, ...root, '--file', '-', '--reply-key-out', aliceKey],
    as('dave'),
    { input: '1' },
  );
  assert.equal(again.status, 2, again.stdout + again.stderr);
  assertOneCleanLine(again.stderr);
  assert.match(again.stderr, /reply key .*: exists; sealbox never overwrites it/);

  // bob: --events jsonl, his own key path.
  const bob = await sealbox(
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
      file('bob-receipt.json'),
      '--reply-key-out',
      file('bob.key.json'),
      '--events',
      'jsonl',
    ],
    as('bob'),
    { input: '5200' },
  );
  assert.equal(bob.status, 0, bob.stderr);
  const bobEvents = lines(bob.stdout);
  assert.deepEqual(
    bobEvents.map((e) => e.event),
    ['opened', 'submitted'],
  );
  assert.equal(bobEvents[0]!.box_id, boxId);
  assert.equal(bobEvents[1]!.reply_key_path, file('bob.key.json'));
  assert.ok(bobEvents.every((e) => typeof e.time === 'string'));

  // carol: no reply key.
  const carol = await sealbox(
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
      file('carol-receipt.json'),
      '--no-reply-key',
    ],
    as('carol'),
    { input: '3000' },
  );
  assert.equal(carol.status, 0, carol.stderr);
  assert.doesNotMatch(carol.stdout, /reply key/);

  assert.equal(await host.done, 0, host.stderr());
  // The host's stdout is its event stream.
  const hostEvents = lines(host.stdout());
  assert.deepEqual(
    hostEvents.map((e) => e.event),
    ['opened', 'submitted', 'submitted', 'submitted', 'closed'],
  );
  assert.equal(hostEvents[0]!.box, box);
  assert.equal(hostEvents.at(-1)!.status, 'complete');
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
  assert.equal(result.counts.accepted, 3);
  assert.equal(result.replies.length, 2, 'a reply for each reply key, none for carol');

  // alice reads hers, in JSON, named by her receipt.
  const aliceReply = await sealbox(
    [
      'box',
      'reply',
      box,
      '-R',
      REPO,
      ...root,
      '--reply-key',
      aliceKey,
      '--receipt',
      file(aliceDoc.receipt_path),
      '--format',
      'json',
    ],
    as('observer'),
  );
  assert.equal(aliceReply.status, 0, aliceReply.stdout + aliceReply.stderr);
  const a = JSON.parse(aliceReply.stdout);
  assert.deepEqual(a.reply, { won: false, price: null });
  assert.equal(a.comment_id, aliceDoc.comment_id);
  assert.deepEqual(
    a.checks.filter((c: { ok: boolean }) => !c.ok),
    [],
  );
  assert.ok(a.checks.some((c: { name: string }) => c.name === 'receipt'));
  assert.ok(a.checks.some((c: { name: string; ok: boolean }) => c.name === 'reply' && c.ok));

  // bob, from the box's files, in text: the reply alone on stdout; kept as a reply document.
  const bobProof = file('bob-reply.json');
  const bobReply = await sealbox([
    'box',
    'reply',
    out,
    '-R',
    REPO,
    ...root,
    '--reply-key',
    file('bob.key.json'),
    '--out',
    bobProof,
  ]);
  assert.equal(bobReply.status, 0, bobReply.stdout + bobReply.stderr);
  assert.deepEqual(JSON.parse(bobReply.stdout), { won: true, price: '4100' });
  assert.match(
    bobReply.stderr,
    /reply: the reply to comment \d+ opened and matches its commitment/,
  );
  assert.equal(statSync(bobProof).mode & 0o777, 0o600);

  // --events jsonl: verified, then reply.
  const streamed = await sealbox([
    'box',
    'reply',
    out,
    '-R',
    REPO,
    ...root,
    '--reply-key',
    aliceKey,
    '--events',
    'jsonl',
  ]);
  assert.equal(streamed.status, 0, streamed.stderr);
  const ev = lines(streamed.stdout);
  assert.deepEqual(
    ev.map((e) => e.event),
    ['verified', 'reply'],
  );
  assert.equal(ev[0]!.ok, true);
  assert.equal(ev[1]!.message, '{"won":false,"price":null}');

  // Anyone checks bob's claim against the attested result; an altered claim fails.
  const proven = await sealbox(
    ['box', 'verify', box, '-R', REPO, ...root, '--reply-proof', bobProof, '--format', 'json'],
    { GITHUB_API_URL: stack.githubApiUrl },
  );
  assert.equal(proven.status, 0, proven.stdout + proven.stderr);
  const proofCheck = JSON.parse(proven.stdout).checks.find(
    (c: { name: string }) => c.name === 'reply_proof',
  );
  assert.equal(proofCheck.ok, true);
  const forged = file('forged.json');
  writeFileSync(
    forged,
    readFileSync(bobProof, 'utf8').replace('\\"price\\":\\"4100\\"', '\\"price\\":\\"1\\"'),
  );
  assert.notEqual(readFileSync(forged, 'utf8'), readFileSync(bobProof, 'utf8'));
  const refuted = await sealbox([
    'box',
    'verify',
    out,
    '-R',
    REPO,
    ...root,
    '--reply-proof',
    forged,
  ]);
  assert.equal(refuted.status, 1);
  assert.match(refuted.stdout, /FAIL reply_proof +REPLY_PROOF: the message and salt revealed/);

  // alice's key does not open bob's reply.
  const wrong = await sealbox([
    'box',
    'reply',
    out,
    '-R',
    REPO,
    ...root,
    '--reply-key',
    aliceKey,
    '--receipt',
    file('bob-receipt.json'),
  ]);
  assert.equal(wrong.status, 1, wrong.stdout + wrong.stderr);
  assert.match(
    wrong.stdout,
    /^FAIL: reply in .*: REPLY: the reply to comment \d+: it does not open with this reply key/,
  );

  // Bad inputs: one line, exit 2.
  const notAKey = file('not-a-key.json');
  writeFileSync(notAKey, '{"hello":"world"}');
  const otherBox = file('other-box.key.json');
  writeFileSync(
    otherBox,
    JSON.stringify({ ...JSON.parse(readFileSync(aliceKey, 'utf8')), box_id: 'box-another-one' }),
  );
  const tampered = file('tampered.key.json');
  const k = JSON.parse(readFileSync(aliceKey, 'utf8'));
  writeFileSync(
    tampered,
    JSON.stringify({
      ...k,
      public_key: JSON.parse(readFileSync(file('bob.key.json'), 'utf8')).public_key,
    }),
  );
  const cases: [string[], RegExp][] = [
    [['box', 'reply', out, '-R', REPO, ...root], /box reply needs --reply-key FILE/],
    [['box', 'reply', out, ...root, '--reply-key', aliceKey], /box reply needs --repo OWNER\/REPO/],
    [
      ['box', 'reply', out, '-R', REPO, ...root, '--reply-key', notAKey],
      /not-a-key\.json: is not a sealbox reply key \(version/,
    ],
    [
      ['box', 'reply', out, '-R', REPO, ...root, '--reply-key', tampered],
      /tampered\.key\.json: is not a sealbox reply key \(public_key is not the one its seed makes\)/,
    ],
    [
      ['box', 'reply', out, '-R', REPO, ...root, '--reply-key', otherBox],
      /reply key: is for box .*, not box /,
    ],
    [
      ['box', 'reply', out, '-R', REPO, ...root, '--reply-key', aliceKey, '--out', bobProof],
      /reply document .*bob-reply\.json: exists; sealbox never overwrites it/,
    ],
    [
      ['box', 'reply', out, '-R', REPO, ...root, '--reply-key', file('missing.json')],
      /reply key .*missing\.json: no such file/,
    ],
    [
      [
        'box',
        'reply',
        out,
        '-R',
        REPO,
        ...root,
        '--reply-key',
        aliceKey,
        '--events',
        'jsonl',
        '--format',
        'json',
      ],
      /--events prints a stream of JSON lines/,
    ],
    [
      ['box', 'verify', out, '-R', REPO, ...root, '--reply-proof', notAKey],
      /not-a-key\.json: is not a sealbox reply document/,
    ],
    [
      [
        'box',
        'reply',
        out,
        '-R',
        REPO,
        ...root,
        '--reply-key',
        aliceKey,
        '--receipt',
        otherReceipt(),
      ],
      /is a receipt for box box-elsewhere-1/,
    ],
  ];
  for (const [args, why] of cases) {
    const r = await sealbox(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, why);
    assert.equal(r.stdout, '');
  }
  function otherReceipt() {
    const p = file('other-receipt.json');
    writeFileSync(
      p,
      JSON.stringify({
        box_id: 'box-elsewhere-1',
        comment_id: 1,
        ciphertext_sha256: '0'.repeat(64),
      }),
    );
    return p;
  }
});
