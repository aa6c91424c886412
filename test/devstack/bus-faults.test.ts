// The GitHub-issue bus under a misbehaving API: 429 with Retry-After, a
// secondary limit, 502, a connection dropped in the middle of a page run,
// comments added while pages are read. No comment lost, none counted twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import { ARMOUR_BEGIN, ARMOUR_END, findArmour } from '../../src/box/armour.ts';
import { githubClient } from '../../src/github/client.ts';
import { GitHubIssueBus } from '../../src/github/issue-bus.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

/** A comment body carrying armour (what the box keeps; other comments it only counts). */
const armoured = (text: string) =>
  `${ARMOUR_BEGIN}\n${Buffer.from(text).toString('base64')}\n${ARMOUR_END}`;

async function floodedIssue(count: number) {
  const gh = ctx.stack.github;
  const octokit = githubClient(gh.tokenFor('operator'), ctx.stack.githubApiUrl);
  const issue = await octokit.rest.issues.create({ owner: 'demo', repo: 'faults', title: 'box' });
  gh.seedComments(
    'demo/faults',
    issue.data.number,
    gh.user('crowd'),
    Array.from({ length: count }, (_, i) => armoured(`comment ${i}`)),
  );
  return {
    bus: new GitHubIssueBus(octokit as never, 'demo/faults', issue.data.number),
    number: issue.data.number,
  };
}

test('every fault on the way: the full listing is complete and has no duplicates', async () => {
  const { bus, number } = await floodedIssue(450);
  const gh = ctx.stack.github;
  gh.faults.push(
    { status: 429, retryAfter: 1, pathIncludes: 'page=2' },
    { status: 403, secondary: true, retryAfter: 1, pathIncludes: 'page=3' },
    { status: 502, pathIncludes: 'page=4' },
    { status: 500, drop: true, pathIncludes: 'page=5' },
  );
  let added = false;
  gh.beforeRequest = (_m, path, q) => {
    // Comments arrive while the pages are being read.
    if (!added && path.endsWith('/comments') && q.get('page') === '3') {
      added = true;
      gh.seedComments(
        'demo/faults',
        number,
        gh.user('late-crowd'),
        ['new 1', 'new 2', 'new 3'].map(armoured),
      );
    }
  };
  try {
    const all = await bus.comments();
    assert.equal(gh.faults.length, 0, 'every fault was met');
    assert.equal(all.length, 453);
    assert.equal(new Set(all.map((c) => c.id)).size, 453, 'none counted twice');
    assert.deepEqual(
      all.slice(-3).map((c) => c.body),
      ['new 1', 'new 2', 'new 3'].map(armoured),
    );
  } finally {
    gh.beforeRequest = undefined;
  }
});

test('polling is incremental and conditional: nothing new costs a 304, not the rate limit', async () => {
  const gh = ctx.stack.github;
  const t0 = Date.now() - 60_000;
  gh.now = () => new Date(t0);
  const { bus, number } = await floodedIssue(80);
  const seed = (at: number, bodies: string[]) => {
    gh.now = () => new Date(at);
    gh.seedComments('demo/faults', number, gh.user('crowd'), bodies);
  };
  try {
    seed(
      t0 + 1000,
      Array.from({ length: 40 }, (_, i) => armoured(`later ${i}`)),
    );
    const requests = async (poll: () => Promise<unknown>) => {
      const before = gh.log.length;
      await poll();
      return gh.log.slice(before).map((r) => r.status);
    };
    assert.deepEqual(
      await requests(() => bus.poll()),
      [200, 200],
      'the first poll reads two pages, once each',
    );
    assert.equal(
      (await bus.poll()).length,
      120,
      'the second reads only what changed since the newest comment',
    );
    assert.deepEqual(
      await requests(() => bus.poll()),
      [304],
      'nothing new: one conditional request, answered 304',
    );
    seed(t0 + 2000, [armoured('one more')]);
    assert.deepEqual(await requests(() => bus.poll()), [200], 'a new comment: one request');
    assert.equal((await bus.poll()).length, 121);
    assert.match(gh.log[gh.log.length - 1]!.path, /since=/);
  } finally {
    gh.now = () => new Date();
  }
});

test('the status is in the issue body, at most once a minute, and the announcement still reads', async () => {
  const gh = ctx.stack.github;
  const octokit = githubClient(gh.tokenFor('operator'), ctx.stack.githubApiUrl);
  let now = Date.parse('2026-11-22T10:00:00Z');
  const bus = new GitHubIssueBus(octokit as never, 'demo/status', undefined, {
    now: () => new Date(now),
  });
  const a = {
    boxId: 'status-box',
    manifest: new TextEncoder().encode('{"m":1}'),
    manifestBundle: { b: 1 },
    opensAt: '2026-11-22T10:00:01Z',
    closesAt: '2026-11-22T10:10:01Z',
  };
  await bus.open(a.boxId);
  await bus.announce(a);
  const requests = () => gh.log.filter((r) => r.method === 'PATCH').length;
  const before = requests();
  await bus.status('3 submissions so far');
  assert.equal(requests(), before, 'not in the first minute');
  now += 61_000;
  await bus.status('7 submissions so far');
  assert.equal(requests(), before + 1);
  now += 30_000;
  await bus.status('9 submissions so far');
  assert.equal(requests(), before + 1, 'not twice within a minute');
  const body = (
    await octokit.rest.issues.get({ owner: 'demo', repo: 'status', issue_number: bus.issue! })
  ).data.body!;
  assert.match(body, /^Status: 7 submissions so far \(at 2026-11-22T10:01:01Z\)$/m);
  const read = (await bus.announcement())!;
  assert.deepEqual(read.manifest, a.manifest);
  assert.equal(read.closesAt, a.closesAt);
  assert.equal(
    (
      await octokit.rest.issues.listComments({
        owner: 'demo',
        repo: 'status',
        issue_number: bus.issue!,
      })
    ).data.length,
    0,
    'no status comment among the submissions',
  );
});

test('slow pages, and comments edited or deleted while the box collects: the final listing is what is there', async (t) => {
  const gh = ctx.stack.github;
  // One server second for all of it: the edit lands in its comment's creation second.
  const second = new Date(Math.floor(Date.now() / 1000) * 1000);
  gh.now = () => second;
  t.after(() => (gh.now = () => new Date()));
  const { bus, number } = await floodedIssue(230);
  const octokit = githubClient(gh.tokenFor('crowd'), ctx.stack.githubApiUrl);
  const seen = await bus.poll();
  assert.equal(seen.length, 230);
  // After the poll: one comment deleted, one edited by its author.
  const [gone, changed] = [seen[10]!, seen[200]!];
  await octokit.rest.issues.deleteComment({ owner: 'demo', repo: 'faults', comment_id: gone.id });
  await octokit.rest.issues.updateComment({
    owner: 'demo',
    repo: 'faults',
    comment_id: changed.id,
    body: 'edited',
  });
  gh.faults.push(
    { delayMs: 1500, pathIncludes: 'page=2' },
    { delayMs: 800, pathIncludes: 'page=3' },
  );
  const started = Date.now();
  const all = await bus.comments();
  assert.ok(Date.now() - started >= 2000, 'the slow pages were waited for');
  assert.equal(gh.faults.length, 0);
  assert.equal(all.length, 229);
  assert.equal(new Set(all.map((c) => c.id)).size, 229, 'none twice');
  assert.ok(!all.some((c) => c.id === gone.id), 'the deleted comment is not counted');
  const edited = all.find((c) => c.id === changed.id)!;
  assert.equal(edited.body, 'edited');
  // Edited within its creation's second (whole-second timestamps): only the body tells.
  assert.equal(edited.updated_at, edited.created_at);
  assert.equal(edited.edited, true, 'the bus saw another body first');
  assert.ok(!all.some((c) => c.id !== changed.id && c.edited));
  void number;
});

test('a secondary limit is waited out for its Retry-After plus a random jitter', async () => {
  const gh = ctx.stack.github;
  const timed = async (random: number) => {
    const octokit = githubClient(gh.tokenFor('operator'), ctx.stack.githubApiUrl, {
      jitterMs: 1000,
      random: () => random,
    });
    gh.faults.push({
      status: 403,
      secondary: true,
      retryAfter: 1,
      pathIncludes: '/repos/demo/jitter',
    });
    const started = performance.now();
    await octokit.rest.issues.listForRepo({ owner: 'demo', repo: 'jitter' });
    assert.equal(gh.faults.length, 0, 'the limit was met, then retried');
    return performance.now() - started;
  };
  const none = await timed(0);
  const most = await timed(0.9);
  assert.ok(none >= 1000, `waited ${none.toFixed(0)} ms for a Retry-After of 1 s`);
  assert.ok(most >= 1900, `waited ${most.toFixed(0)} ms for 1 s plus a 900 ms jitter`);
  // 900 ms apart by the jitter; a loaded machine adds its own delay to either wait.
  assert.ok(
    most - none >= 500,
    `the jitter is what differs (${none.toFixed(0)} vs ${most.toFixed(0)} ms)`,
  );
});

test('a client with a wait bound fails at once on a longer limit, and waits out a shorter one', async () => {
  const gh = ctx.stack.github;
  const octokit = githubClient(gh.tokenFor('operator'), ctx.stack.githubApiUrl, {
    jitterMs: 0,
    maxWaitSeconds: 5,
  });
  const list = () => octokit.rest.issues.listForRepo({ owner: 'demo', repo: 'bounded' });
  const fast = async (what: string, promise: Promise<unknown>, status: number) => {
    const started = performance.now();
    await assert.rejects(promise, { status }, what);
    assert.ok(performance.now() - started < 2000, `${what}: not waited for`);
  };
  // The primary limit, exhausted until a reset an hour away.
  gh.setRateLimit(0, 3600);
  await fast('primary limit', list(), 403);
  // A secondary limit asking for an hour.
  gh.setRateLimit(1000, 3600);
  gh.faults.push({
    status: 403,
    secondary: true,
    retryAfter: 3600,
    pathIncludes: '/repos/demo/bounded',
  });
  await fast('secondary limit', list(), 403);
  // A reset two seconds away is waited for.
  gh.setRateLimit(0, 2);
  const started = performance.now();
  await list();
  assert.ok(performance.now() - started >= 1000, 'the short reset was waited out');
});

test('the final listing with edit records: no request for the issue, and a comment landing between its REST and GraphQL reads makes it throw', async (t) => {
  const gh = ctx.stack.github;
  const { bus, number } = await floodedIssue(230);
  t.after(() => (gh.beforeRequest = undefined));
  const before = gh.log.length;
  const all = await bus.commentsWithEditRecords();
  const made = gh.log.slice(before);
  assert.equal(all.length, 230);
  assert.ok(all.every((c) => c.editRecord && c.editRecord.edits === 0));
  assert.deepEqual(
    made.map((r) => (r.path === '/graphql' ? 'graphql' : r.path.replace(/\?.*/, ''))),
    [...Array(3).fill(`/repos/demo/faults/issues/${number}/comments`), ...Array(3).fill('graphql')],
    'three REST pages and three GraphQL pages, and nothing else',
  );
  // A comment arriving after the REST pages: the GraphQL count shows the listing short.
  let added = false;
  gh.beforeRequest = (_m, path) => {
    if (!added && path === '/graphql') {
      added = true;
      gh.seedComments('demo/faults', number, gh.user('late'), [armoured('late comment')]);
    }
  };
  await assert.rejects(bus.commentsWithEditRecords(), {
    code: 'SERVICE',
    message: /the listing has 230 comments, the issue counts 231/,
  });
  const again = await bus.commentsWithEditRecords();
  assert.equal(again.length, 231, 'listed again, the late comment is there');
  assert.equal(again.at(-1)!.body, armoured('late comment'));
});

test('the box keeps only comments that carry or carried the armour; armour edited into a plain comment is an edit', async (t) => {
  const gh = ctx.stack.github;
  // One server second for all of it: edits leave updated_at equal to created_at.
  const second = new Date(Math.floor(Date.now() / 1000) * 1000);
  gh.now = () => second;
  t.after(() => (gh.now = () => new Date()));
  const octokit = githubClient(gh.tokenFor('operator'), ctx.stack.githubApiUrl);
  const issue = await octokit.rest.issues.create({ owner: 'demo', repo: 'plain', title: 'box' });
  const number = issue.data.number;
  gh.seedComments('demo/plain', number, gh.user('crowd'), [
    'just talk',
    armoured('a submission'),
    'more talk',
  ]);
  const bus = new GitHubIssueBus(octokit as never, 'demo/plain', number);
  const polled = await bus.poll();
  assert.deepEqual(
    polled.map((c) => c.body),
    [armoured('a submission')],
    'the poll returns the armoured comment alone',
  );
  const author = githubClient(gh.tokenFor('crowd'), ctx.stack.githubApiUrl);
  const all = await bus.comments();
  assert.equal(all.length, 3, 'the complete listing still has every comment');
  await author.rest.issues.updateComment({
    owner: 'demo',
    repo: 'plain',
    comment_id: all[2]!.id,
    body: armoured('slipped in later'),
  });
  const listing = await bus.commentsWithEditRecords();
  assert.deepEqual(
    listing.map((c) => [c.body, Boolean(c.edited)]),
    [
      [armoured('a submission'), false],
      [armoured('slipped in later'), true],
    ],
    'only the armoured, and the one armour was edited into is marked edited',
  );
});

test('over keepBodiesUpTo the box keeps an armoured comment as its size and digests, and still tells an edit', async (t) => {
  const gh = ctx.stack.github;
  const second = new Date(Math.floor(Date.now() / 1000) * 1000);
  gh.now = () => second;
  t.after(() => (gh.now = () => new Date()));
  const octokit = githubClient(gh.tokenFor('operator'), ctx.stack.githubApiUrl);
  const issue = await octokit.rest.issues.create({ owner: 'demo', repo: 'withheld', title: 'box' });
  const number = issue.data.number;
  const big = (text: string) => armoured(text.repeat(3000));
  gh.seedComments('demo/withheld', number, gh.user('crowd'), [
    armoured('small'),
    big('a'),
    big('b'),
  ]);
  const bus = new GitHubIssueBus(octokit as never, 'demo/withheld', number);
  bus.keepBodiesUpTo(2000);
  const te = new TextEncoder();
  const digest = (s: string) => createHash('sha256').update(te.encode(s)).digest('hex');
  const polled = await bus.poll();
  assert.deepEqual(
    polled.map((c) => [c.body.length > 0, c.withheld]),
    [
      [true, undefined],
      [false, { bytes: big('a').length, armourSha256: digest(findArmour(big('a'))!) }],
      [false, { bytes: big('b').length, armourSha256: digest(findArmour(big('b'))!) }],
    ],
  );
  const author = githubClient(gh.tokenFor('crowd'), ctx.stack.githubApiUrl);
  // Within the creation second: only the body tells, and the box kept only its digest.
  await author.rest.issues.updateComment({
    owner: 'demo',
    repo: 'withheld',
    comment_id: polled[1]!.id,
    body: big('c'),
  });
  await author.rest.issues.updateComment({
    owner: 'demo',
    repo: 'withheld',
    comment_id: polled[2]!.id,
    body: 'withdrawn',
  });
  gh.forgetCommentEdits = true; // GitHub's edit record aside: the bus alone must tell
  t.after(() => (gh.forgetCommentEdits = false));
  const listing = await bus.commentsWithEditRecords();
  assert.deepEqual(
    listing.map((c) => [Boolean(c.edited), c.withheld?.armourSha256]),
    [
      [false, undefined],
      [true, digest(findArmour(big('c'))!)],
      [true, digest(findArmour(big('b'))!)],
    ],
    'both edits told; the withdrawn armour kept as its digest',
  );
});

test('a comment the box has judged is kept as its size and digests (release), and an edit of it is still told', async (t) => {
  const gh = ctx.stack.github;
  const second = new Date(Math.floor(Date.now() / 1000) * 1000);
  gh.now = () => second;
  t.after(() => (gh.now = () => new Date()));
  const octokit = githubClient(gh.tokenFor('operator'), ctx.stack.githubApiUrl);
  const issue = await octokit.rest.issues.create({ owner: 'demo', repo: 'released', title: 'box' });
  const number = issue.data.number;
  const bodies = ['kept', 'replaced', 'reworded', 'withdrawn', 'stale'].map(armoured);
  // A lone surrogate outside the armour (UTF-8 makes any one U+FFFD): swapping it is an edit too.
  bodies.push(`${armoured('odd')}\n\uD800`);
  gh.seedComments('demo/released', number, gh.user('crowd'), bodies);
  const bus = new GitHubIssueBus(octokit as never, 'demo/released', number);
  bus.keepBodiesUpTo(2000);
  const te = new TextEncoder();
  const digest = (s: string) => createHash('sha256').update(te.encode(s)).digest('hex');
  const polled = await bus.poll();
  const author = githubClient(gh.tokenFor('crowd'), ctx.stack.githubApiUrl);
  const edit = (i: number, body: string) =>
    author.rest.issues.updateComment({
      owner: 'demo',
      repo: 'released',
      comment_id: polled[i]!.id,
      body,
    });
  // The last one changes before the box releases it: what the bus holds is not what was judged.
  await edit(4, armoured('stale, changed'));
  await bus.poll();
  for (const c of polled) await bus.release(c, digest(findArmour(c.body)!));
  const again = await bus.poll();
  assert.deepEqual(
    again.map((c) => [c.body, c.withheld, Boolean(c.edited)]),
    [
      ...bodies
        .slice(0, 4)
        .map((b) => [
          '',
          { bytes: te.encode(b).length, armourSha256: digest(findArmour(b)!) },
          false,
        ]),
      [armoured('stale, changed'), undefined, true],
      [
        '',
        { bytes: te.encode(bodies[5]!).length, armourSha256: digest(findArmour(bodies[5]!)!) },
        false,
      ],
    ],
    'the judged bodies given up for their digests; the changed one kept whole',
  );
  // Within the creation second, GitHub's edit record aside: only the body's digest tells.
  await edit(1, armoured('something else'));
  await edit(2, `${bodies[2]}\nwith a word more`);
  await edit(3, 'withdrawn');
  await edit(5, `${armoured('odd')}\n\uDC00`);
  gh.forgetCommentEdits = true;
  t.after(() => (gh.forgetCommentEdits = false));
  for (const listing of [await bus.poll(), await bus.commentsWithEditRecords()])
    assert.deepEqual(
      listing.map((c) => [Boolean(c.edited), c.withheld?.armourSha256, c.body === '']),
      [
        [false, digest(findArmour(bodies[0]!)!), true],
        [true, digest(findArmour(armoured('something else'))!), true],
        [true, digest(findArmour(bodies[2]!)!), true],
        [true, digest(findArmour(bodies[3]!)!), true],
        [true, undefined, false],
        [true, digest(findArmour(bodies[5]!)!), true],
      ],
      'each edit told, the withdrawn armour kept as its digest',
    );
});
