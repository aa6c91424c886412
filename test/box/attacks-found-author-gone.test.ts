// Found by attacking the box's memory handling (docs/performance.md, "Memory
// under a flood"): the box judges an armoured comment when it first sees it
// and keeps the judgement by comment id for the author it was judged for;
// the bus then keeps only the comment's digests. When GitHub later reports
// the comment under another author (an account deleted: GitHub attributes
// its comments to the "ghost" account), the body is unchanged, so nothing
// tells an edit, the judgement is for another author, and the body is gone:
// the judge throws and the box aborts. Any stranger can do this to a box
// without allowed_authors: post any armoured comment, then delete the
// throwaway account. Before, the box kept the body and judged it for the
// author GitHub reports (the AAD binds the author: undecryptable).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useStack } from '../helpers/stack.ts';
import { REPO, sleep, watchedBox } from '../helpers/watched-box.ts';

const ctx = useStack();

test('a stranger who posts an armoured comment and then deletes the account cannot make an open box abort', async () => {
  const box = await watchedBox(ctx);
  const post = async (login: string, message: string) =>
    (
      await box.client(login).rest.issues.createComment({
        ...REPO,
        issue_number: box.issue,
        body: await box.sealed(login, message),
      })
    ).data.id;
  await post('bob', 'bob votes yes');
  const mallorys = await post('mallory', 'anything');
  // Once the box has seen (judged, then given up) Mallory's comment, she deletes her account.
  assert.ok(await box.seen((c) => c.id === mallorys), 'the box saw the comment');
  await sleep(300);
  const listed = await box.toGhost('mallory', mallorys);
  assert.deepEqual(
    [listed.user?.login, listed.user?.id, listed.updated_at],
    ['ghost', 10137, listed.created_at],
    "GitHub now shows the comment as the ghost's, unedited",
  );
  const { parsedResult: r } = await box.hosted;
  assert.equal(r.status, 'complete', `the box ${r.status}: ${r.reason ?? ''}`);
  const statuses = r.submissions.map((s) => `${s.author_login}:${s.reason ?? s.status}`);
  assert.ok(statuses.includes('bob:accepted'), statuses.join(', '));
  const ghost = r.submissions.find((s) => s.comment_id === mallorys);
  assert.equal(ghost?.status, 'rejected', "the ghost's comment opens to nothing for its author");
});
