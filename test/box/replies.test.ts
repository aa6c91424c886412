// Private replies and key ceremonies through a real box (sealed, opened,
// computed, attested on the local stack): each participant with a reply key
// reads only their own reply, checks it against its commitment and can prove
// it to anyone; a ceremony's recipients each get a share that checks against
// the published commitments, any two of three recombine the published key,
// and nothing the box published or logged holds the key or a share.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SigstoreSignatureVerifier } from '../../src/adapters/sigstore-verifier.ts';
import { combineShares } from '../../src/box/ceremony/combine.ts';
import { hostBox, type HostedBox } from '../../src/box/host.ts';
import type { Plaintext } from '../../src/box/sealing.ts';
import { parseManifest } from '../../src/box/manifest.ts';
import { readReply } from '../../src/box/reply-reader.ts';
import { newReplyKey, type ReplyKey } from '../../src/box/reply-key.ts';
import type { ReplyDocument } from '../../src/box/reply-document.ts';
import type { BoxResult } from '../../src/box/result.ts';
import { DEFAULT_BOX_SIGNER, verifyBox, type BoxVerification } from '../../src/box/verify.ts';
import type { BoxEvent } from '../../src/box/events.ts';
import { sha256Hex, toBase64 } from '../../src/bytes.ts';
import { policyFromFlags } from '../../src/policy/identity.ts';
import { parseTrustedRootText } from '../../src/sigstore/trusted-root.ts';
import { boxConfig, boxDeps, stackReleases } from '../helpers/box.ts';
import { MemoryBus } from '../helpers/memory-bus.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

interface Participant {
  message: string;
  /** A reply key made for this box; false: none; 'zero': a key of low order. */
  key: boolean | 'zero';
}

/**
 * A box of `computation` whose participants (comment ids 1, 2, ...) each seal
 * their message with a reply key made for this box once it announces itself.
 */
async function runBox(
  boxId: string,
  computation: { name: string; parameters: Record<string, unknown> },
  participants: Participant[],
  minParticipants = 1,
) {
  const keys = new Map<number, ReplyKey>();
  const logs: string[] = [];
  const events: BoxEvent[] = [];
  const bus = new MemoryBus([], 'memory', async (post, seal) => {
    const m = parseManifest(bus.announcement!.manifest);
    const digest = await sha256Hex(bus.announcement!.manifest);
    for (const [i, p] of participants.entries()) {
      const plaintext: Plaintext = { message: p.message };
      if (p.key === 'zero') plaintext.reply_public_key = toBase64(new Uint8Array(32));
      else if (p.key) {
        const key = await newReplyKey(m.hpke.suite, { box_id: m.box_id, manifest_digest: digest });
        keys.set(i + 1, key);
        plaintext.reply_public_key = key.file.public_key;
      }
      post({ id: 900 + i, login: `agent${i}` }, await seal(900 + i, plaintext));
    }
  });
  const hosted = await hostBox(
    boxDeps(ctx.stack, bus, undefined, {
      log: (l) => logs.push(l),
      event: (e) => events.push(e),
    }),
    boxConfig({ boxId, computation }, { min_participants: minParticipants }),
  );
  const verification = await verifyBox(hosted, await options());
  return { hosted, bus, keys, logs, events, verification };
}

async function options() {
  const trustedRoots = parseTrustedRootText(
    readFileSync(ctx.stack.trustedRootPath, 'utf8'),
    'stack root',
  );
  return {
    policy: policyFromFlags({ repo: 'demo/sealbox' }, { defaultSigner: DEFAULT_BOX_SIGNER }),
    trustedRoots,
    verifier: new SigstoreSignatureVerifier(),
    releases: await stackReleases(ctx.stack, trustedRoots),
  };
}

async function verified(hosted: HostedBox, v: BoxVerification) {
  assert.equal(v.ok, true, JSON.stringify(v.checks.filter((c) => !c.ok)));
  return {
    manifest: v.manifest!,
    result: v.result!,
    manifestDigest: await sha256Hex(hosted.manifest),
  };
}

test('an auction: each bidder reads only their own reply, checked against its commitment, and can prove it', async () => {
  const { hosted, keys, verification, events } = await runBox(
    'replies-auction',
    { name: 'auction', parameters: {} },
    [
      { message: '40', key: true },
      { message: '70', key: true },
      { message: '55', key: false },
      { message: '10', key: 'zero' },
    ],
  );
  const result = hosted.parsedResult as BoxResult;
  assert.equal(result.counts.accepted, 4, 'a submission without a usable reply key still counts');
  assert.equal(
    (result.output as Record<string, unknown>).replies,
    undefined,
    'private replies are not in the public output',
  );
  assert.deepEqual(
    result.replies!.map((r) => r.comment_id),
    [1, 2],
    'replies only where a usable reply key came',
  );
  for (const r of result.replies!) {
    assert.match(r.armour, /^-----BEGIN SEALBOX REPLY-----\n/);
    assert.match(r.commitment ?? '', /^[0-9a-f]{64}$/);
  }
  assert.match(
    verification.checks.find((c) => c.name === 'transcript')!.reason,
    /2 private replies/,
  );
  assert.deepEqual(
    events.map((e) => e.event),
    ['opened', 'submitted', 'submitted', 'submitted', 'submitted', 'closed'],
  );
  const box = await verified(hosted, verification);

  // Without a receipt, each key finds its own reply among all of them.
  const won = await readReply(box, keys.get(2)!);
  assert.equal(won.ok, true, JSON.stringify(won.checks));
  assert.deepEqual(JSON.parse(won.document!.message), { won: true, price: '70' });
  assert.equal(won.document!.comment_id, 2);
  const lost = await readReply(box, keys.get(1)!, 1);
  assert.deepEqual(JSON.parse(lost.document!.message), { won: false, price: null });
  // A key never opens another submission's reply.
  const other = await readReply(box, keys.get(1)!, 2);
  assert.equal(other.ok, false);
  assert.equal(other.checks[0]!.code, 'REPLY');
  assert.match(other.checks[0]!.reason, /does not open with this reply key/);
  const none = await readReply(box, keys.get(1)!, 3);
  assert.match(none.checks[0]!.reason, /no reply to comment 3/);

  // Bidder 2 proves to a third party what the box told them; an altered claim fails.
  const proof = await verifyBox(hosted, { ...(await options()), replyProof: won.document! });
  const check = proof.checks.find((c) => c.name === 'reply_proof')!;
  assert.equal(check.ok, true, check.reason);
  assert.match(check.reason, /told comment 2: "\{\\"won\\":true,\\"price\\":\\"70\\"\}"/);
  const lie: ReplyDocument = { ...won.document!, message: '{"won":true,"price":"1"}' };
  const refuted = await verifyBox(hosted, { ...(await options()), replyProof: lie });
  assert.equal(refuted.ok, false);
  assert.equal(refuted.checks.find((c) => c.name === 'reply_proof')!.code, 'REPLY_PROOF');

  // A key made for another box is refused as input.
  const foreign = await newReplyKey('x25519', {
    box_id: 'another-box',
    manifest_digest: '0'.repeat(64),
  });
  await assert.rejects(readReply(box, foreign), /reply key: is for box another-box/);
});

test('a key ceremony: 2 of 3 shares, each checked; any two recombine the published key; nothing published holds it', async () => {
  const { hosted, bus, keys, logs, verification } = await runBox(
    'ceremony-2of3',
    { name: 'ceremony', parameters: { threshold: 2 } },
    [
      { message: 'ready', key: true },
      { message: 'no key', key: false },
      { message: 'ready', key: true },
      { message: 'ready', key: true },
    ],
  );
  const recompute = verification.checks.find((c) => c.name === 'recompute')!;
  assert.match(recompute.reason, /a 2-of-3 P-256 key; its 2 commitments/);
  const box = await verified(hosted, verification);
  const out = box.result.output as {
    recipients: { index: number; comment_id: number }[];
    public_key: { pem: string };
  };
  assert.deepEqual(
    out.recipients.map((r) => [r.index, r.comment_id]),
    [
      [1, 1],
      [2, 3],
      [3, 4],
    ],
  );
  const documents: ReplyDocument[] = [];
  for (const id of [1, 3, 4]) {
    const r = await readReply(box, keys.get(id)!);
    assert.equal(r.ok, true, JSON.stringify(r.checks));
    assert.deepEqual(
      r.checks.map((c) => c.name),
      ['reply', 'share'],
    );
    assert.match(r.checks[1]!.reason, /matches the ceremony's commitments: any 2 shares/);
    documents.push(r.document!);
  }
  const shares = documents.map((d) => ({ index: d.ceremony!.index, share: d.ceremony!.share }));
  const { commitments, threshold } = documents[0]!.ceremony!;
  const pems = new Set<string>();
  for (const pair of [
    [0, 1],
    [0, 2],
    [1, 2],
  ]) {
    const c = combineShares(
      threshold,
      commitments,
      pair.map((k) => shares[k]!),
    );
    assert.ok(c.ok);
    pems.add(c.privateKeyPem);
    assert.equal(
      createPublicKey(createPrivateKey(c.privateKeyPem)).export({ type: 'spki', format: 'pem' }),
      out.public_key.pem,
    );
  }
  assert.equal(pems.size, 1, 'every pair makes the same key');
  const one = combineShares(threshold, commitments, [shares[0]!]);
  assert.deepEqual(one, { ok: false, reason: 'too_few', have: 1 });

  // The key and the shares, in every encoding, in nothing the box published or logged.
  const pem = [...pems][0]!;
  const d = Buffer.from(createPrivateKey(pem).export({ format: 'jwk' }).d!, 'base64url');
  const secrets = [
    d.toString('hex'),
    d.toString('base64'),
    d.toString('base64url'),
    BigInt(`0x${d.toString('hex')}`).toString(),
    pem.split('\n')[1]!,
    ...shares.map((s) => s.share),
    ...shares.map((s) => Buffer.from(s.share, 'hex').toString('base64')),
  ];
  const published = [
    new TextDecoder().decode(hosted.result),
    new TextDecoder().decode(hosted.manifest),
    JSON.stringify(hosted.resultBundle),
    JSON.stringify(hosted.manifestBundle),
    JSON.stringify(bus.emitted),
    logs.join('\n'),
  ].join('\n');
  for (const s of secrets)
    assert.ok(!published.includes(s), 'a secret reached the published record');
});

test('a key ceremony below its threshold is withheld: no key, no shares, and verify agrees', async () => {
  const { hosted, keys, verification } = await runBox(
    'ceremony-withheld',
    { name: 'ceremony', parameters: { threshold: 3 } },
    [
      { message: 'ready', key: true },
      { message: 'ready', key: true },
      { message: 'ready', key: false },
    ],
  );
  const box = await verified(hosted, verification);
  assert.equal((box.result.output as { withheld: boolean }).withheld, true);
  assert.match(
    verification.checks.find((c) => c.name === 'recompute')!.reason,
    /ceremony withheld: 2 recipient/,
  );
  const r = await readReply(box, keys.get(1)!);
  assert.deepEqual(
    r.checks.map((c) => c.name),
    ['reply'],
  );
  assert.deepEqual(JSON.parse(r.document!.message), { accepted: true });
});
