// Private replies: a bidder who sends a reply key learns privately whether
// they won; nobody else can open that reply.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateBoxKeyPair, type BoxKeyPair } from '../../src/box/hpke.ts';
import { hostBox } from '../../src/box/host.ts';
import { openReply } from '../../src/box/replies.ts';
import { sha256Hex } from '../../src/bytes.ts';
import type { BoxResult } from '../../src/box/result.ts';
import { boxConfig, boxDeps } from '../helpers/box.ts';
import { MemoryBus } from '../helpers/memory-bus.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

test('each bidder with a reply key gets a sealed reply only they can open', async () => {
  const keys: BoxKeyPair[] = [
    await generateBoxKeyPair('x25519'),
    await generateBoxKeyPair('x25519'),
  ];
  const bus = new MemoryBus(
    ['40', '70'].map((bid, i) => ({
      id: 100 + i,
      login: `agent${i}`,
      plaintext: {
        message: bid,
        reply_public_key: Buffer.from(keys[i]!.publicKey).toString('base64'),
      },
    })),
  );
  const hosted = await hostBox(
    boxDeps(ctx.stack, bus),
    boxConfig({ boxId: 'replies-0001', computation: { name: 'auction', parameters: {} } }),
  );
  const result = hosted.parsedResult as BoxResult;
  const digest = await sha256Hex(hosted.manifest);
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
