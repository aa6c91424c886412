// Attacks on a box while it collects (docs/spec/sealed-box-v1.1.md, "Collecting
// and closing"): the operator substituting a participant's sealed message
// within the comment's creation second (GitHub's edit record; signed
// submissions when GitHub records nothing), deleting a comment the box saw,
// sabotaging an early close, and listings that never settle; and the length
// of a sealed vote. On the local stack, through the CLI and GitHub's API.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAnnouncement } from '../../src/box/bus.ts';
import { hostBox as hostInProcess } from '../../src/box/host.ts';
import { parseManifest, publicKeyOf } from '../../src/box/manifest.ts';
import { sealSubmission } from '../../src/box/sealing.ts';
import { sha256Hex } from '../../src/bytes.ts';
import { forgetCommentEdits, setSshSigningKeys } from '../../src/devstack/index.ts';
import {
  asUser,
  attackRun,
  clientAs,
  hostAttackBox,
  messageFile,
  OPERATOR,
  REPO,
} from '../helpers/attack.ts';
import { boxConfig, boxDeps, manifestRun } from '../helpers/box.ts';
import { sealbox } from '../helpers/cli.ts';
import { MemoryBus } from '../helpers/memory-bus.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const root = () => ['--trusted-root', ctx.stack.trustedRootPath];
const as = (login: string) => asUser(ctx.stack, login);
const client = (login: string) => clientAs(ctx.stack, login);
const operator = () => client(OPERATOR);
const boxRun = (runId: number) => attackRun(ctx.stack, runId);
const hostBox = (runId: number, window: number, extra: string[] = []) =>
  hostAttackBox(ctx.stack, ctx.dir, runId, [
    '--computation',
    'reveal',
    '--window',
    String(window),
    ...extra,
  ]);
const messageFileIn = (name: string, text: string) => messageFile(ctx.dir, name, text);

/** The armour `login`'s account would post (or anyone, for `authorId`), printed without posting. */
async function printed(box: string, text: string, authorId: number, extra: string[] = []) {
  const r = await sealbox(
    [
      'box',
      'submit',
      box,
      '--repo',
      'demo/sealbox',
      ...root(),
      '--print',
      '--author-id',
      String(authorId),
      '--file',
      messageFileIn(`${authorId}-${text.length}.txt`, text),
      ...extra,
    ],
    { GITHUB_API_URL: ctx.stack.githubApiUrl },
    { cwd: ctx.dir },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const submit = (box: string, login: string, text: string, extra: string[] = []) =>
  sealbox(
    [
      'box',
      'submit',
      box,
      '--repo',
      'demo/sealbox',
      ...root(),
      '--file',
      messageFileIn(`${login}.txt`, text),
      '--receipt-out',
      join(ctx.dir, 'messages', `${login}-receipt.json`),
      ...extra,
    ],
    as(login),
    { cwd: ctx.dir },
  );

/** What an operator seals for someone else's account with a client of their own (no signature). */
async function forge(issue: number, authorId: number, message: string) {
  const body = (await client('observer').rest.issues.get({ ...REPO, issue_number: issue })).data
    .body!;
  const a = parseAnnouncement(body)!;
  const m = parseManifest(a.manifest);
  return sealSubmission(m, await sha256Hex(a.manifest), publicKeyOf(m), authorId, { message });
}

const resultOf = (out: string) =>
  JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
    status: string;
    closed_at: string;
    closes_at: string;
    submissions: { comment_id: number; author_login: string; status: string; reason?: string }[];
    output: { submissions?: { message: string }[] };
  };

const statuses = (out: string) =>
  resultOf(out)
    .submissions.map((s) => `${s.author_login}:${s.reason ?? s.status}`)
    .sort();

const verify = (box: string) =>
  sealbox(
    ['box', 'verify', box, '--repo', 'demo/sealbox', ...root(), '--format', 'json'],
    as('observer'),
  );

/**
 * The operator's substitution: alice's comment, replaced within its creation
 * second (GitHub's clock frozen on it, so REST's updated_at stays equal to
 * created_at) by a message the operator sealed for alice's account.
 */
async function substitute(box: string, issue: number, aliceBody: string, forged: string) {
  const gh = ctx.stack.github;
  gh.setClock(new Date());
  try {
    const posted = await client('alice').rest.issues.createComment({
      ...REPO,
      issue_number: issue,
      body: aliceBody,
    });
    await operator().rest.issues.updateComment({
      ...REPO,
      comment_id: posted.data.id,
      body: forged,
    });
    const seen = await client('observer').rest.issues.getComment({
      ...REPO,
      comment_id: posted.data.id,
    });
    assert.equal(seen.data.updated_at, seen.data.created_at, 'REST shows no edit');
  } finally {
    gh.setClock();
  }
}

test('the operator substitutes a sealed message within its creation second: GitHub edit record rejects it', async () => {
  const b = await hostBox(9301, 4);
  const alice = ctx.stack.github.user('alice').id;
  const honest = await printed(b.box, 'alice votes yes', alice);
  const forged = await printed(b.box, 'alice votes no', alice);
  await substitute(b.box, b.issue, honest, forged);
  assert.equal(await b.host.done, 0, b.host.stderr());
  assert.deepEqual(statuses(b.out), ['alice:edited']);
  assert.deepEqual(resultOf(b.out).output.submissions, []);
  assert.equal((await verify(b.box)).status, 0);
});

test('signed submissions: a substitution GitHub never recorded fails its author signature; without signatures it would count', async () => {
  const keyDir = join(ctx.dir, 'keys');
  mkdirSync(keyDir, { recursive: true });
  const keyOf = (login: string) => {
    const key = join(keyDir, login);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', login, '-f', key]);
    setSshSigningKeys(ctx.stack, login, [readFileSync(`${key}.pub`, 'utf8')]);
    return key;
  };
  const aliceKey = keyOf('alice');
  const bobKey = keyOf('bob');
  const alice = ctx.stack.github.user('alice').id;
  forgetCommentEdits(ctx.stack, true);
  try {
    const signed = await hostBox(9302, 5, ['--signed-submissions']);
    const honest = await printed(signed.box, 'alice votes yes', alice, ['--sign-with', aliceKey]);
    const forged = await forge(signed.issue, alice, 'alice votes no');
    const keptSignature = honest.slice(honest.indexOf('-----BEGIN SSH SIGNATURE-----'));
    await substitute(signed.box, signed.issue, honest, `${forged}\n${keptSignature}`);
    const bob = await submit(signed.box, 'bob', 'bob votes yes', ['--sign-with', bobKey]);
    assert.equal(bob.status, 0, bob.stderr);
    const unsignedByCarol = await submit(signed.box, 'carol', 'carol votes no');
    assert.equal(unsignedByCarol.status, 2, 'the CLI refuses to post unsigned to a signed box');
    assert.match(unsignedByCarol.stderr, /requires signed submissions/);
    assert.equal(await signed.host.done, 0, signed.host.stderr());
    assert.deepEqual(statuses(signed.out), ['alice:bad_signature', 'bob:accepted']);
    const bobRecord = resultOf(signed.out).submissions.find((s) => s.author_login === 'bob') as {
      signing_key?: string;
    };
    const print = execFileSync('ssh-keygen', ['-l', '-f', `${bobKey}.pub`], { encoding: 'utf8' });
    assert.equal(bobRecord.signing_key, print.split(' ')[1], "bob's key fingerprint is recorded");
    assert.equal((await verify(signed.box)).status, 0);

    // The residual risk, shown: an unsigned box relies on GitHub's record alone.
    const unsigned = await hostBox(9303, 4);
    const a = await printed(unsigned.box, 'alice votes yes', alice);
    const f = await printed(unsigned.box, 'alice votes no', alice);
    await substitute(unsigned.box, unsigned.issue, a, f);
    assert.equal(await unsigned.host.done, 0, unsigned.host.stderr());
    assert.deepEqual(statuses(unsigned.out), ['alice:accepted']);
    assert.equal(resultOf(unsigned.out).output.submissions?.[0]?.message, 'alice votes no');
  } finally {
    forgetCommentEdits(ctx.stack, false);
  }
});

test('a comment the box saw and the operator then deleted is recorded as deleted, and its receipt fails', async () => {
  const b = await hostBox(9304, 7);
  assert.equal((await submit(b.box, 'dave', 'dave votes yes')).status, 0);
  const eve = await submit(b.box, 'eve', 'eve votes no');
  assert.equal(eve.status, 0, eve.stderr);
  const receipt = JSON.parse(
    readFileSync(join(ctx.dir, 'messages', 'eve-receipt.json'), 'utf8'),
  ) as { comment_id: number };
  await new Promise((r) => setTimeout(r, 2500)); // the box polls every 2 s
  await operator().rest.issues.deleteComment({ ...REPO, comment_id: receipt.comment_id });
  assert.equal(await b.host.done, 0, b.host.stderr());
  assert.deepEqual(statuses(b.out), ['dave:accepted', 'eve:deleted']);
  assert.equal((await verify(b.box)).status, 0);
  const withReceipt = await sealbox(
    [
      'box',
      'verify',
      b.box,
      '--repo',
      'demo/sealbox',
      ...root(),
      '--receipt',
      join(ctx.dir, 'messages', 'eve-receipt.json'),
    ],
    as('observer'),
  );
  assert.equal(withReceipt.status, 1);
  assert.match(withReceipt.stdout, /receipt +RECEIPT: comment \d+ is deleted/);
});

test('padding: a yes and an abstention are sealed to the same length', async () => {
  // Four CLI processes at once on a loaded machine: a window with room for them.
  const b = await hostBox(9305, 10);
  const lengths = await Promise.all(
    ['yes', 'no', 'abstain', 'a longer message of some sixty characters, still one bucket'].map(
      async (vote, i) => (await printed(b.box, vote, 7000 + i)).length,
    ),
  );
  assert.equal(new Set(lengths).size, 1, lengths.join(', '));
  assert.equal(await b.host.done, 0, b.host.stderr());
});

test('early-close sabotage: the filling comment vanishes before the final listing, and the box collects on to closes_at', async () => {
  const bus = MemoryBus.bidders(2);
  let sabotaged = false;
  // Polls see both bids (the box fills and closes early); the final listing finds bob's gone.
  bus.poll = async () => (sabotaged ? bus.list.filter((c) => c.author_id !== 501) : bus.list);
  bus.comments = async () => {
    sabotaged = true;
    return bus.list.filter((c) => c.author_id !== 501);
  };
  const run = boxRun(9306);
  const hosted = await hostInProcess(
    boxDeps(ctx.stack, bus, run),
    boxConfig({ run: manifestRun(run), windowSeconds: 3 }, { max_submissions: 2 }),
  );
  const result = hosted.parsedResult;
  assert.equal(result.status, 'complete');
  assert.equal(result.closed_at, result.closes_at, 'not closed early after all');
  assert.deepEqual(
    result.submissions.map((s) => `${s.author_id}:${s.reason ?? s.status}`),
    ['500:accepted', '501:deleted'],
  );
});

test('listings that never come out complete: the box aborts loudly', async () => {
  const bus = MemoryBus.bidders(1);
  bus.poll = async () => bus.list;
  bus.comments = async () => {
    throw new Error('the listing has 0 comments, the issue counts 1');
  };
  const run = boxRun(9307);
  const hosted = await hostInProcess(
    boxDeps(ctx.stack, bus, run),
    boxConfig({ run: manifestRun(run), windowSeconds: 1, listings: 5 }),
  );
  assert.equal(hosted.parsedResult.status, 'aborted');
  assert.match(hosted.parsedResult.reason!, /the final listing could not be confirmed/);
});
