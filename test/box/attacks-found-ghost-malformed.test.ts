// Found by attacking the judge's memo in the host's ledger (box/seen-comments.ts,
// boxJudge in box/sealing.ts): a comment judged when first seen, and whose
// author then changes (the account deleted: GitHub shows its comments as the
// ghost's), is answered "undecryptable" whatever the judge found in it, since
// the bus no longer keeps its body. The reasons go in the spec's order
// (docs/spec/sealed-box-v1.1.md, "Statuses and reasons"): `malformed`
// (armour or base64 broken) comes before `undecryptable`, and an armour that
// does not decode is broken whoever its author is. A box that keeps bodies
// (or judges the comment afresh) records it as malformed; this one records
// a reason the comment does not have.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ARMOUR_BEGIN, ARMOUR_END } from '../../src/box/armour.ts';
import { useStack } from '../helpers/stack.ts';
import { REPO, sleep, watchedBox } from '../helpers/watched-box.ts';

const ctx = useStack();

test("a comment whose armour does not decode stays malformed when its author's account is deleted", async () => {
  const box = await watchedBox(ctx);
  // Armour lines around text that is not base64: malformed, whoever posts it.
  const broken = `${ARMOUR_BEGIN}\nthis is not base64!\n${ARMOUR_END}`;
  const post = async (login: string) =>
    (
      await box
        .client(login)
        .rest.issues.createComment({ ...REPO, issue_number: box.issue, body: broken })
    ).data.id;
  const bobs = await post('bob');
  const mallorys = await post('mallory');
  assert.ok(await box.seen((c) => c.id === mallorys), 'the box saw the comment');
  await sleep(300);
  const listed = await box.toGhost('mallory', mallorys);
  assert.deepEqual(
    [listed.user?.id, listed.body, listed.updated_at],
    [10137, broken, listed.created_at],
    "GitHub now shows the comment as the ghost's, unedited",
  );
  const { parsedResult: r } = await box.hosted;
  assert.equal(r.status, 'complete', `the box ${r.status}: ${r.reason ?? ''}`);
  const reason = (id: number) => r.submissions.find((s) => s.comment_id === id)?.reason;
  assert.equal(reason(bobs), 'malformed', "bob's broken armour");
  assert.equal(reason(mallorys), 'malformed', "the ghost's broken armour is broken all the same");
});
