// Private replies: a bidder who sends a reply key learns privately whether
// they won; nobody else can open that reply.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Announcement, BoxBus } from '../../src/box/bus.ts';
import { generateBoxKeyPair, type BoxKeyPair } from '../../src/box/hpke.ts';
import { hostBox } from '../../src/box/host.ts';
import { parseManifest, publicKeyOf } from '../../src/box/manifest.ts';
import { openReply } from '../../src/box/replies.ts';
import { sealSubmission, sha256Hex, type BusComment } from '../../src/box/submissions.ts';
import type { BoxResult } from '../../src/box/result.ts';
import { boxConfig, boxDeps } from '../helpers/box.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

test('each bidder with a reply key gets a sealed reply only they can open', async () => {
  const keys: BoxKeyPair[] = [
    await generateBoxKeyPair('x25519'),
    await generateBoxKeyPair('x25519'),
  ];
  const comments: BusComment[] = [];
  let digest = '';
  const bus: BoxBus = {
    address: 'memory',
    async announce(a: Announcement) {
      const m = parseManifest(a.manifest);
      digest = await sha256Hex(a.manifest);
      for (const [i, bid] of ['40', '70'].entries()) {
        const reply_public_key = Buffer.from(keys[i]!.publicKey).toString('base64');
        const body = await sealSubmission(m, digest, publicKeyOf(m), 100 + i, {
          message: bid,
          reply_public_key,
        });
        comments.push({
          id: i + 1,
          author_id: 100 + i,
          author_login: `agent${i}`,
          created_at: a.opensAt,
          updated_at: a.opensAt,
          body,
        });
      }
    },
    comments: async () => comments,
    publishResult: async () => {},
    close: async () => {},
  };
  const hosted = await hostBox(
    boxDeps(ctx.stack, bus),
    boxConfig({ boxId: 'replies-0001', computation: { name: 'auction', parameters: {} } }),
  );
  const result = hosted.parsedResult as BoxResult;
  assert.equal(
    (result.output as Record<string, unknown>).replies,
    undefined,
    'private replies are not in the public output',
  );
  assert.equal(result.replies?.length, 2);
  const mine = await openReply(
    keys[1]!,
    digest,
    'replies-0001',
    result.replies!.find((r) => r.comment_id === 2)!,
  );
  assert.deepEqual(JSON.parse(mine), { won: true, price: '70' });
  const theirs = await openReply(
    keys[0]!,
    digest,
    'replies-0001',
    result.replies!.find((r) => r.comment_id === 1)!,
  );
  assert.deepEqual(JSON.parse(theirs), { won: false, price: null });
  await assert.rejects(
    openReply(
      keys[0]!,
      digest,
      'replies-0001',
      result.replies!.find((r) => r.comment_id === 2)!,
    ),
    'another key does not open it',
  );
});
