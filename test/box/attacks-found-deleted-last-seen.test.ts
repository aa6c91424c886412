// Found by attacking the box's ledger of armoured comments (box/seen-comments.ts):
// a comment that vanishes before the agreed listing is recorded as deleted
// "with its id, author, created_at and the ciphertext digest last seen"
// (docs/spec/sealed-box-v1.1.md, "Statuses and reasons"; SeenComments.values:
// "as last seen with armour"). The ledger updates an entry only when the
// comment's armour digest changes: a comment the box polled again under
// another login (the account renamed) or another author (the account
// deleted: GitHub shows its comments as the ghost's), with the same armour,
// keeps the author and login of its first sighting. When the comment is then
// deleted, the result names an author and login the box did not last see.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useStack } from '../helpers/stack.ts';
import { REPO, sleep, watchedBox } from '../helpers/watched-box.ts';

const ctx = useStack();

test('a deleted comment is recorded with the author and login the box last saw it under', async () => {
  const gh = ctx.stack.github;
  const box = await watchedBox(ctx);
  const post = async (login: string) => {
    const body = await box.sealed(login, `${login} votes`);
    const id = (
      await box.client(login).rest.issues.createComment({ ...REPO, issue_number: box.issue, body })
    ).data.id;
    return { id, body };
  };
  const polledAs = (id: number, login: string) =>
    box.seen((c) => c.id === id && c.author_login === login);
  const carol = await post('carol');
  const mallory = await post('mallory');
  assert.ok(await polledAs(carol.id, 'carol'), 'the box saw carol');
  assert.ok(await polledAs(mallory.id, 'mallory'), 'the box saw mallory');
  await sleep(300);
  // Carol renames her account; Mallory deletes hers (GitHub: the ghost's now).
  Object.assign(gh.user('carol'), { login: 'carol-renamed' });
  Object.assign(gh.user('mallory'), { login: 'ghost', id: 10137 });
  // Each comment is touched (the same armour, a line added) so the box polls it again.
  const owner = box.client('demo');
  for (const { id, body } of [carol, mallory])
    await owner.rest.issues.updateComment({ ...REPO, comment_id: id, body: `${body}\n(noted)` });
  assert.ok(await polledAs(carol.id, 'carol-renamed'), 'the box saw the renamed login');
  assert.ok(await polledAs(mallory.id, 'ghost'), "the box saw the ghost's comment");
  await sleep(300);
  for (const { id } of [carol, mallory])
    await owner.rest.issues.deleteComment({ ...REPO, comment_id: id });
  const { parsedResult: r } = await box.hosted;
  assert.equal(r.status, 'complete', `the box ${r.status}: ${r.reason ?? ''}`);
  const recorded = (id: number) => {
    const s = r.submissions.find((x) => x.comment_id === id);
    return s && { status: s.status, author_id: s.author_id, author_login: s.author_login };
  };
  assert.deepEqual(recorded(carol.id), {
    status: 'deleted',
    author_id: gh.user('carol').id,
    author_login: 'carol-renamed',
  });
  assert.deepEqual(recorded(mallory.id), {
    status: 'deleted',
    author_id: 10137,
    author_login: 'ghost',
  });
});
