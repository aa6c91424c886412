// The close rules: every armoured comment gets exactly one status and, when
// rejected, exactly one reason, in PROTOCOL.md's order. Computations too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compute } from '../../src/box/compute/index.ts';
import { generateBoxKeyPair } from '../../src/box/hpke.ts';
import { hpkeFields, manifestBytes, parseManifest, type Manifest } from '../../src/box/manifest.ts';
import { ARMOUR_BEGIN, ARMOUR_END, findArmour } from '../../src/box/armour.ts';
import {
  agreementKey,
  armourOf,
  armourSha256,
  classify,
  mayBeJudged,
  type BusComment,
} from '../../src/box/close-rules.ts';
import { sealSubmission } from '../../src/box/sealing.ts';
import { sha256Hex } from '../../src/bytes.ts';
import { closeContext } from '../helpers/box.ts';

const box = await generateBoxKeyPair('x25519');
function manifest(rules: Partial<Manifest['rules']> = {}): Manifest {
  return {
    version: 'sealbox-box/v1.1',
    box_id: 'box-test-0001',
    hpke: hpkeFields('x25519', box.publicKey),
    window_seconds: 60,
    bus: { kind: 'directory', address: '/tmp/x' },
    rules: {
      max_submissions: 3,
      max_bytes: 4096,
      one_per_author: 'first',
      allowed_authors: null,
      min_participants: 2,
      signed_submissions: false,
      ...rules,
    },
    computation: { name: 'auction', parameters: {} },
    run: {
      repository: 'demo/sealbox',
      workflow_ref: 'w',
      run_id: '1',
      run_attempt: '1',
      sha: 'a'.repeat(40),
    },
  };
}
const T = (s: number) =>
  new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString().replace(/\.\d{3}Z$/, 'Z');
let nextId = 1;
async function comment(
  m: Manifest,
  digest: string,
  author: number,
  at: number,
  message: string,
  extra: Partial<BusComment> = {},
): Promise<BusComment> {
  const body = await sealSubmission(m, digest, box.publicKey, author, { message });
  return {
    id: nextId++,
    author_id: author,
    author_login: `u${author}`,
    created_at: T(at),
    updated_at: T(at),
    body,
    ...extra,
  };
}

test('each reason, in order, and the accepted ones in created_at order', async () => {
  const m = manifest({ allowed_authors: [1, 2, 3, 4, 5, 6, 7, 9], max_bytes: 2000 });
  const digest = await sha256Hex(manifestBytes(m));
  assert.deepEqual(parseManifest(manifestBytes(m)), m);
  const honest = await comment(m, digest, 1, 10, '100');
  const copied = {
    ...honest,
    id: nextId++,
    author_id: 2,
    author_login: 'u2',
    created_at: T(11),
    updated_at: T(11),
  };
  const comments = [
    await comment(m, digest, 3, 5, '1'), // before opens_at: late
    await comment(m, digest, 3, 70, '1'), // at/after closed_at: late
    await comment(m, digest, 4, 12, '50', { updated_at: T(13) }), // edited
    await comment(m, digest, 8, 14, '50'), // not allowed
    {
      ...(await comment(m, digest, 5, 15, '50')),
      body: `${(await comment(m, digest, 5, 15, '50')).body}\n${'x'.repeat(3000)}`,
    }, // too large
    {
      id: nextId++,
      author_id: 6,
      author_login: 'u6',
      created_at: T(16),
      updated_at: T(16),
      body: '-----BEGIN SEALBOX SUBMISSION-----\n!!not base64\n-----END SEALBOX SUBMISSION-----',
    },
    honest,
    copied, // someone else's ciphertext: undecryptable, as the author is bound in
    await comment(m, digest, 1, 20, '999'), // second from the same author: duplicate (first counts)
    await comment(m, digest, 7, 21, '70'),
    await comment(m, digest, 9, 22, '90'),
    await comment(m, digest, 2, 23, '80'), // fourth valid one: over the limit of 3
    {
      id: nextId++,
      author_id: 9,
      author_login: 'u9',
      created_at: T(24),
      updated_at: T(24),
      body: 'just chatting, no armour',
    },
  ];
  const { records, accepted } = await classify(
    comments,
    closeContext(m, digest, box, T(10), T(60)),
  );
  assert.equal(records.length, 12, 'comments without armour are ignored');
  const reasons = records.map(
    (r) => `${r.author_login}:${r.status}${r.reason ? `:${r.reason}` : ''}`,
  );
  assert.deepEqual(reasons, [
    'u3:rejected:late',
    'u1:accepted',
    'u2:rejected:undecryptable',
    'u4:rejected:edited',
    'u8:rejected:not_allowed',
    'u5:rejected:too_large',
    'u6:rejected:malformed',
    'u1:rejected:duplicate',
    'u7:accepted',
    'u9:accepted',
    'u2:rejected:over_limit',
    'u3:rejected:late',
  ]);
  assert.deepEqual(
    accepted.map((a) => a.plaintext.message),
    ['100', '70', '90'],
  );
  const out = compute(
    'auction',
    { type: 'second-price' },
    accepted.map((a) => ({
      author_id: a.record.author_id,
      author_login: a.record.author_login,
      comment_id: a.record.comment_id,
      message: a.plaintext.message,
    })),
    2,
  ) as { winner: { author_login: string }; price: string };
  assert.equal(out.winner.author_login, 'u1');
  assert.equal(out.price, '90');
});

test('one per author, last: the latest valid one counts', async () => {
  const m = manifest({ one_per_author: 'last' });
  const digest = await sha256Hex(manifestBytes(m));
  const { records } = await classify(
    [await comment(m, digest, 1, 10, 'a'), await comment(m, digest, 1, 11, 'b')],
    closeContext(m, digest, box, T(0), T(60)),
  );
  assert.deepEqual(
    records.map((r) => r.reason ?? r.status),
    ['duplicate', 'accepted'],
  );
});

test('computations: ties to the earliest, reserve, tally, stats, min_participants', () => {
  const inputs = (msgs: string[]) =>
    msgs.map((message, i) => ({ author_id: i, author_login: `u${i}`, comment_id: i, message }));
  const tie = compute('auction', {}, inputs(['50', '70', '70']), 0) as {
    winner: { author_login: string };
    price: string;
  };
  assert.equal(tie.winner.author_login, 'u1');
  const reserve = compute('auction', { reserve: 100 }, inputs(['50', '70']), 0) as {
    winner: unknown;
  };
  assert.equal(reserve.winner, null);
  assert.deepEqual(
    compute('tally', { choices: ['yes', 'no'] }, inputs(['yes', 'no', 'yes', 'maybe']), 3),
    { counts: { yes: 2, no: 1 }, invalid: 1, ballots: 4 },
  );
  assert.deepEqual(compute('stats', {}, inputs(['1', '2', '3', '10']), 2), {
    count: 4,
    invalid: 0,
    sum: '16',
    mean: '4',
    median: '2.5',
    min: '1',
    max: '10',
  });
  assert.equal((compute('stats', {}, inputs(['1']), 2) as { withheld: boolean }).withheld, true);
  assert.equal(
    (compute('tally', { choices: ['a'] }, inputs(['a', 'a']), 3) as { withheld: boolean }).withheld,
    true,
  );
  assert.ok(
    Array.isArray(
      (compute('reveal', {}, inputs(['x']), 5) as { submissions: unknown[] }).submissions,
    ),
    'reveal is not withheld',
  );
});

test('an edit the timestamps cannot show (same second) is still edited when the bus saw another body', async () => {
  const m = manifest();
  const digest = await sha256Hex(manifestBytes(m));
  const ctx = closeContext(m, digest, box, T(0), T(60));
  const honest = await comment(m, digest, 7, 5, '100');
  const sneaky = await comment(m, digest, 8, 5, '200', { edited: true });
  const { records } = await classify([honest, sneaky], ctx);
  assert.deepEqual(
    records.map((r) => r.reason ?? r.status),
    ['accepted', 'edited'],
  );
});

test('a comment kept as its size and armour digest (withheld) gets the record its whole body gets', async () => {
  const m = manifest({ allowed_authors: [1, 2, 3, 4, 5], max_bytes: 2000 });
  const digest = await sha256Hex(manifestBytes(m));
  const big = async (author: number, at: number, extra: Partial<BusComment> = {}) => {
    const c = await comment(m, digest, author, at, '50', extra);
    return { ...c, body: `${c.body}\n${'é'.repeat(1500)}` }; // over 2,000 UTF-8 bytes
  };
  const armourEditedAway = await comment(m, digest, 5, 19, '50');
  const whole: BusComment[] = [
    await big(1, 15), // too large
    await big(2, 5), // late, and too large
    await big(3, 16, { updated_at: T(17) }), // edited, and too large
    await big(9, 18), // not allowed, and too large
    // Armour edited away: the bus kept the armour text it saw (or, withheld, its digest).
    {
      ...armourEditedAway,
      body: 'never mind',
      edited: true,
      armourSeen: findArmour(armourEditedAway.body),
    },
  ];
  const te = new TextEncoder();
  const withheld: BusComment[] = await Promise.all(
    whole.map(async (c) => {
      const armour = c.armourSeen ?? findArmour(c.body)!;
      const rest = { ...c };
      delete rest.armourSeen;
      return {
        ...rest,
        body: '',
        withheld: {
          bytes: te.encode(c.body).length,
          armourSha256: await sha256Hex(te.encode(armour)),
        },
      };
    }),
  );
  const ctx = () => closeContext(m, digest, box, T(10), T(60));
  const full = await classify(whole, ctx());
  const kept = await classify(withheld, ctx());
  assert.deepEqual(kept, full);
  assert.deepEqual(
    full.records.map((r) => `${r.author_id}:${r.reason}`),
    ['2:late', '1:too_large', '3:edited', '9:not_allowed', '5:edited'],
  );
});

test('a comment judged when first seen and then kept as its digests (withheld) gets the record its whole body gets', async () => {
  const m = manifest({ allowed_authors: [1, 2, 3, 4, 5, 6, 7, 8], max_bytes: 2000 });
  const digest = await sha256Hex(manifestBytes(m));
  const te = new TextEncoder();
  const junk = (author: number, at: number, body: string): BusComment => ({
    id: nextId++,
    author_id: author,
    author_login: `u${author}`,
    created_at: T(at),
    updated_at: T(at),
    body,
  });
  const valid = await comment(m, digest, 1, 12, '100');
  const random = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(600))));
  const whole: BusComment[] = [
    valid,
    await comment(m, digest, 1, 13, '300'), // duplicate (first per author)
    await comment(m, digest, 2, 14, '200'),
    await comment(m, digest, 3, 5, '1'), // late
    await comment(m, digest, 9, 15, '1'), // not allowed
    await comment(m, digest, 4, 16, '50', { edited: true }), // edited
    { ...valid, id: nextId++, author_id: 5, author_login: 'u5', body: `copied:\n${valid.body}` }, // bound to author 1
    junk(6, 17, `${ARMOUR_BEGIN}\n!!not base64!!\n${ARMOUR_END}`), // malformed
    junk(7, 18, `${ARMOUR_BEGIN}\n${random}`), // never ends, opens to nothing
    junk(8, 19, `${ARMOUR_BEGIN}\n${random}\n${ARMOUR_END}`), // undecryptable
    await comment(m, digest, 6, 20, '10'),
    await comment(m, digest, 7, 21, '20'), // over the limit of 3
  ];
  const closeAt = T(60);
  const full = await classify(whole, closeContext(m, digest, box, T(10), closeAt));
  // The box's way: each comment judged when first seen (when it may ever be), then withheld.
  const ctx = closeContext(m, digest, box, T(10), closeAt);
  const withheld: BusComment[] = [];
  for (const c of whole) {
    const sha = (await armourSha256(c))!;
    if (mayBeJudged(c, m.rules, Date.parse(T(10)), Date.parse(closeAt)))
      await ctx.judge(c, armourOf(c), sha);
    withheld.push({
      ...c,
      body: '',
      withheld: { bytes: te.encode(c.body).length, armourSha256: sha },
    });
  }
  const kept = await classify(withheld, ctx);
  assert.deepEqual(kept, full);
  assert.equal(
    agreementKey(kept.records, Date.parse(closeAt)),
    agreementKey(full.records, Date.parse(closeAt)),
  );
  assert.deepEqual(
    full.records.map((r) => `${r.author_id}:${r.reason ?? r.status}`),
    [
      '3:late',
      '1:accepted',
      '5:undecryptable',
      '1:duplicate',
      '2:accepted',
      '9:not_allowed',
      '4:edited',
      '6:malformed',
      '7:undecryptable',
      '8:undecryptable',
      '6:accepted',
      '7:over_limit',
    ],
  );
  // A withheld comment the box never judged has no verdict to give: the box stops, it does not guess.
  await assert.rejects(
    classify([withheld[0]!], closeContext(m, digest, box, T(10), closeAt)),
    /neither kept nor judged/,
  );
});
