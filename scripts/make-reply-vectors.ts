// Writes docs/spec/vectors/sealed-box-v1.1/replies.json and ceremony.json and
// the ceremony vectors of compute.json (docs/spec/replies-v1.1.md): every
// value from fixed seeds, so rerunning writes the same files. The one
// exception is `open` in replies.json: HPKE's encapsulation is random, so the
// sealed replies recorded there are kept, and sealed afresh only when absent.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { combineShares } from '../src/box/ceremony/combine.ts';
import { privateKeyPem, publicKeyEncodings } from '../src/box/ceremony/keys.ts';
import { coefficients, deal } from '../src/box/ceremony/shares.ts';
import { compute } from '../src/box/compute/index.ts';
import { boxKeyPairFromSeed, type SuiteName } from '../src/box/hpke.ts';
import {
  openReply,
  replyAad,
  replyCommitment,
  replyInfo,
  sealReplies,
  takeReplies,
  type SealedReply,
} from '../src/box/replies.ts';
import { padReply } from '../src/box/reply-padding.ts';
import { sha256Hex, toBase64, toHex } from '../src/bytes.ts';

const VECTORS = new URL('../docs/spec/vectors/sealed-box-v1.1/', import.meta.url);
const seedOf = (label: string) => new Uint8Array(createHash('sha256').update(label).digest());
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const td = new TextDecoder();
const te = new TextEncoder();
const Q = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

async function write(name: string, value: unknown) {
  const out = new URL(name, VECTORS);
  const json = JSON.stringify(value, null, 2) + '\n';
  writeFileSync(out, await format(json, { ...(await resolveConfig(out)), filepath: out.pathname }));
}

// ------------------------------------------------------------------ replies

const box = { box_id: 'box-vectors-0001', manifest_digest: sha256(te.encode('manifest')) };
const submission = {
  comment_id: 4242,
  author_id: 1001,
  ciphertext_sha256: sha256(te.encode('ciphertext')),
};
const SUITES: SuiteName[] = ['x25519', 'x-wing'];

const replyKeys = [];
for (const suite of SUITES) {
  const seed = seedOf(`reply key ${suite}`);
  const pair = await boxKeyPairFromSeed(suite, seed);
  replyKeys.push({
    suite,
    seed: toBase64(seed),
    ...(suite === 'x25519' ? { public_key: toBase64(pair.publicKey) } : {}),
    public_key_sha256: await sha256Hex(pair.publicKey),
  });
}

const salt = seedOf('salt 1');
const pad = [
  ['the default reply: the smallest bucket', '{"accepted":true}'],
  ['an auction reply', '{"won":true,"price":"70"}'],
  ['the empty message', ''],
  ['F = 256 exactly: still the smallest bucket', 'a'.repeat(220)],
  ['F = 257: the next bucket', 'a'.repeat(221)],
  ['non-ASCII text counts in UTF-8 bytes', 'café ☕ 𝄞'],
].map(([name, message]) => {
  const padded = padReply(salt, message!);
  return {
    name,
    salt: toHex(salt),
    message,
    length: padded.length,
    sha256: sha256(padded),
    head_hex: toHex(padded.subarray(0, 64)),
  };
});

/** salt || uint32(length field) || message, zero-filled to `total`, then `alter`ed. */
function framed(
  length: number,
  message: Uint8Array,
  total: number,
  alter?: (b: Uint8Array) => void,
) {
  const out = new Uint8Array(total);
  out.set(salt);
  new DataView(out.buffer).setUint32(32, length);
  out.set(message, 36);
  alter?.(out);
  return toHex(out);
}
const yes = te.encode('yes');
const valid = framed(3, yes, 256);
const unpad = [
  { name: 'valid', padded_hex: valid, message: 'yes', salt: toHex(salt) },
  { name: 'not a bucket length', padded_hex: framed(3, yes, 255), reason: 'size_not_bucket' },
  {
    name: '384 bytes: between two buckets',
    padded_hex: valid + '00'.repeat(128),
    reason: 'size_not_bucket',
  },
  {
    name: 'length field past the end',
    padded_hex: framed(221, yes, 256),
    reason: 'length_out_of_range',
  },
  {
    name: 'length field huge',
    padded_hex: framed(0xffffffff, yes, 256),
    reason: 'length_out_of_range',
  },
  {
    name: 'a short message in a bigger bucket than its own',
    padded_hex: framed(3, yes, 512),
    reason: 'wrong_bucket',
  },
  {
    name: 'a byte of padding not zero',
    padded_hex: framed(3, yes, 256, (b) => (b[255] = 1)),
    reason: 'nonzero_padding',
  },
  {
    name: 'an overlong UTF-8 form',
    padded_hex: framed(2, Uint8Array.of(0xc0, 0xaf), 256),
    reason: 'message_not_utf8',
  },
  {
    name: 'an encoded surrogate',
    padded_hex: framed(3, Uint8Array.of(0xed, 0xa0, 0x80), 256),
    reason: 'message_not_utf8',
  },
];

const binding = {
  ...box,
  ...submission,
  info: td.decode(replyInfo(box.manifest_digest)),
  aad: td.decode(replyAad(box.box_id, submission)),
};

const commitments = [];
for (const [name, message, label] of [
  ['an auction reply', '{"won":false,"price":null}', 'salt 2'],
  ['the same reply under another salt: another commitment', '{"won":false,"price":null}', 'salt 3'],
  ['the empty message', '', 'salt 4'],
] as const) {
  const s = seedOf(label);
  commitments.push({
    name,
    ...box,
    comment_id: submission.comment_id,
    salt: toHex(s),
    message,
    commitment: await replyCommitment(box, submission.comment_id, s, message),
  });
}

const repliesFile = new URL('replies.json', VECTORS);
const recorded = existsSync(repliesFile)
  ? (JSON.parse(readFileSync(repliesFile, 'utf8')) as {
      open?: { name: string; reply: SealedReply }[];
    })
  : {};
const open = [];
for (const suite of SUITES) {
  const seed = seedOf(`reply key ${suite}`);
  const mine = await boxKeyPairFromSeed(suite, seed);
  const message = '{"won":true,"price":"70"}';
  const name = `${suite}: opens, and matches its commitment`;
  let sealed = recorded.open?.find((v) => v.name === name)?.reply;
  if (!sealed) {
    let n = 0;
    [sealed] = await sealReplies(
      suite,
      box,
      [{ submission, key: mine.publicKey }],
      new Map([[submission.comment_id, message]]),
      (k) => seedOf(`salt open ${suite} ${n++}`).subarray(0, k),
    );
  }
  const opened = await openReply(mine, box, submission, sealed!);
  if (!opened.ok) throw new Error(`${name}: does not open`);
  const key = toBase64(seed);
  const other = toBase64(seedOf(`another key ${suite}`));
  open.push(
    {
      name,
      suite,
      reply_key_seed: key,
      submission,
      reply: sealed,
      message,
      salt: toHex(opened.salt),
    },
    {
      name: `${suite}: as the answer to another comment: does not open (aad)`,
      suite,
      reply_key_seed: key,
      submission: { ...submission, comment_id: 4243 },
      reply: { ...sealed, comment_id: 4243 },
      reason: 'undecryptable',
    },
    {
      name: `${suite}: another author id: does not open (aad)`,
      suite,
      reply_key_seed: key,
      submission: { ...submission, author_id: 1002 },
      reply: sealed,
      reason: 'undecryptable',
    },
    {
      name: `${suite}: a commitment the reply does not make`,
      suite,
      reply_key_seed: key,
      submission,
      reply: { ...sealed, commitment: commitments[0]!.commitment },
      reason: 'commitment',
    },
    {
      name: `${suite}: another reply key: does not open`,
      suite,
      reply_key_seed: other,
      submission,
      reply: sealed,
      reason: 'undecryptable',
    },
  );
}

await write('replies.json', {
  format:
    'sealbox private reply vectors (docs/spec/replies-v1.1.md). `reply_keys`: a reply key from its 32-byte `seed` (base64) for `suite`: the public key (base64, x25519) and its SHA-256 (hex; x-wing, 1216 bytes). `pad`: the padded reply plaintext for `salt` (hex) and `message`: its `length`, the SHA-256 of all its bytes, and hex of its first 64 bytes. `unpad`: `padded_hex` (a whole opened plaintext) gives `message` and `salt`, or `reason` (the first rule broken, in the spec order). `binding`: a submission (`comment_id`, `author_id`, `ciphertext_sha256`) of a box (`box_id`, `manifest_digest`) and the HPKE `info` and `aad` (ASCII) of its reply. `commitments`: the commitment (hex) to `message` under `salt` for that comment of that box. `open`: a sealed `reply` ({comment_id, armour, commitment}, as result.json carries it) to `submission` of the `binding` box, opened with the reply key made from `reply_key_seed` (base64) for `suite`: `message` and `salt` (hex) when it opens, padding is right and the commitment recomputes; otherwise `reason`: `undecryptable` (HPKE fails) or `commitment` (it opens, the commitment does not match).',
  reply_keys: replyKeys,
  pad,
  unpad,
  binding,
  commitments,
  open,
});

// ---------------------------------------------------------------- ceremony

const h64 = (n: bigint) => n.toString(16).padStart(64, '0');
const deals = (
  [
    [2, [1, 2, 3], 'ceremony 2 of 3'],
    [3, [1, 2, 4, 5], 'ceremony 3 of 4 (a list with index 3 missing)'],
    [2, [1, 2], 'ceremony 2 of 2'],
  ] as const
).map(([threshold, indices, name]) => {
  const seed = seedOf(name);
  const dealt = deal(seed, threshold, [...indices]);
  const a = coefficients(seed, threshold);
  return {
    name,
    seed: toHex(seed),
    threshold,
    indices,
    coefficients: a.map(h64),
    public_key: publicKeyEncodings(hex(dealt.publicKey)),
    commitments: dealt.commitments,
    shares: Object.fromEntries(dealt.shares),
    private_key_pem: privateKeyPem(hex(h64(a[0]!))),
  };
});
const [d1, d2, d3] = deals as [(typeof deals)[0], (typeof deals)[0], (typeof deals)[0]];
const shareOf = (d: (typeof deals)[0], i: number) => ({ index: i, share: d.shares[String(i)]! });
const plusOne = (h: string) => h64((BigInt(`0x${h}`) + 1n) % Q);
const s1 = d1.shares['1']!;
const verify = [
  ...[1, 2, 3].map((i) => ({
    name: `2 of 3: share ${i} matches`,
    commitments: d1.commitments,
    index: i,
    share: d1.shares[String(i)],
    ok: true,
  })),
  ...[1, 2, 4, 5].map((i) => ({
    name: `3 of 4: share at index ${i} matches`,
    commitments: d2.commitments,
    index: i,
    share: d2.shares[String(i)],
    ok: true,
  })),
  {
    name: 'share 1 claimed as index 2',
    commitments: d1.commitments,
    index: 2,
    share: s1,
    ok: false,
  },
  {
    name: 'share 1 plus one',
    commitments: d1.commitments,
    index: 1,
    share: plusOne(s1),
    ok: false,
  },
  {
    name: "share 1 against another ceremony's commitments",
    commitments: d3.commitments,
    index: 1,
    share: s1,
    ok: false,
  },
  {
    name: 'the second commitment replaced by another point',
    commitments: [d1.commitments[0], d3.commitments[1]],
    index: 1,
    share: s1,
    ok: false,
  },
  {
    name: 'share q (not below the group order)',
    commitments: d1.commitments,
    index: 1,
    share: Q.toString(16),
    ok: false,
  },
  { name: 'share zero', commitments: d1.commitments, index: 1, share: '0'.repeat(64), ok: false },
  {
    name: 'share not 64 hex digits',
    commitments: d1.commitments,
    index: 1,
    share: s1.slice(2),
    ok: false,
  },
  {
    name: 'share in upper-case hex',
    commitments: d1.commitments,
    index: 1,
    share: s1.toUpperCase(),
    ok: false,
  },
  { name: 'index 0', commitments: d1.commitments, index: 0, share: s1, ok: false },
  {
    name: 'a commitment that is not a point (x not below p)',
    commitments: [d1.commitments[0], `02${'ff'.repeat(32)}`],
    index: 1,
    share: s1,
    ok: false,
  },
  {
    name: 'an uncompressed commitment',
    commitments: [d1.commitments[0], `04${'11'.repeat(64)}`],
    index: 1,
    share: s1,
    ok: false,
  },
];
const combine = (
  [
    ['2 of 3: shares 1 and 2', d1, [shareOf(d1, 1), shareOf(d1, 2)]],
    ['2 of 3: shares 3 and 1 (any order)', d1, [shareOf(d1, 3), shareOf(d1, 1)]],
    ['2 of 3: all three shares', d1, [shareOf(d1, 1), shareOf(d1, 2), shareOf(d1, 3)]],
    ['3 of 4: indices 1, 4 and 5', d2, [shareOf(d2, 1), shareOf(d2, 4), shareOf(d2, 5)]],
    ['3 of 4: indices 2, 4 and 5', d2, [shareOf(d2, 2), shareOf(d2, 4), shareOf(d2, 5)]],
    ['2 of 3: one share is too few', d1, [shareOf(d1, 2)]],
    ['3 of 4: two shares are too few', d2, [shareOf(d2, 1), shareOf(d2, 2)]],
    ['2 of 3: the same share twice', d1, [shareOf(d1, 1), shareOf(d1, 1)]],
    [
      '2 of 3: a share that fails its commitments',
      d1,
      [shareOf(d1, 1), { index: 2, share: plusOne(d1.shares['2']!) }],
    ],
    ['2 of 3: a share of another ceremony', d1, [shareOf(d1, 1), shareOf(d3, 2)]],
  ] as const
).map(([name, d, shares]) => {
  const r = combineShares(d.threshold, d.commitments, [...shares]);
  return {
    name,
    threshold: d.threshold,
    commitments: d.commitments,
    shares,
    ...(r.ok ? { private_key_pem: r.privateKeyPem } : { refused: r.reason }),
  };
});
await write('ceremony.json', {
  format:
    "sealbox key ceremony vectors (docs/spec/replies-v1.1.md section 8). `deal`: from `seed` (hex, 32 bytes) and `threshold` t, the coefficients a_0 .. a_{t-1} (hex, 32 bytes big-endian; a_0 is the private key), the `public_key` as the output publishes it ({pem, jwk}), the `commitments` (hex, SEC1 compressed) and the share of each index in `indices` (`shares`, keyed by index in decimal), and `private_key_pem`, the PKCS#8 PEM of a_0 that recombining writes. `verify`: Feldman's check of `share` (hex) at `index` against `commitments`: `ok`. `combine`: recombining `shares` ([{index, share}]) of a ceremony of `threshold` with `commitments`: the `private_key_pem` written, or `refused`: `too_few`, `duplicate_index` or `share_mismatch` (the first that applies, shares checked in order).",
  deal: deals,
  verify,
  combine,
});

// ---------------------------------------------- the ceremony in compute.json

const computeFile = new URL('compute.json', VECTORS);
const computeVectors = JSON.parse(readFileSync(computeFile, 'utf8')) as {
  vectors: { in: { computation: string } }[];
};
const agent = (i: number, replyKey: boolean, message = 'ready') => ({
  author_id: 2000 + i,
  author_login: `agent${i}`,
  comment_id: 700 + i,
  message,
  ...(replyKey ? { reply_key: true } : {}),
});
const ceremonyVector = (
  name: string,
  parameters: Record<string, unknown>,
  submissions: ReturnType<typeof agent>[],
  minParticipants: number,
  seedLabel?: string,
) => {
  const seed = seedLabel ? seedOf(seedLabel) : undefined;
  const vector: Record<string, unknown> = {
    name,
    in: {
      computation: 'ceremony',
      parameters,
      submissions,
      min_participants: minParticipants,
      ...(seed ? { seed: toHex(seed) } : {}),
    },
  };
  try {
    const { output, replies } = takeReplies(
      compute('ceremony', parameters, submissions, minParticipants, { seed }),
      submissions,
    );
    vector.out = JSON.parse(JSON.stringify(output));
    vector.replies = Object.fromEntries([...replies].map(([k, t]) => [String(k), JSON.parse(t)]));
  } catch (e) {
    vector.rejected = /parameter (\S+) /.exec((e as Error).message)?.[1] ?? 'computation';
  }
  return vector;
};
const ceremonies = [
  ceremonyVector(
    'ceremony, participants: 2 of 3; a participant without a reply key is no recipient and gets no share',
    { threshold: 2 },
    [
      agent(1, true),
      agent(2, false),
      agent(3, true),
      agent(4, true, 'anything: messages are not read'),
    ],
    1,
    'compute ceremony 1',
  ),
  ceremonyVector(
    'ceremony, a list of user ids: indices are places in the list; a listed id without a submission is missing; an unlisted participant gets no share',
    { threshold: 2, recipients: [2003, 2001, 2009] },
    [agent(1, true), agent(2, true), agent(3, true)],
    1,
    'compute ceremony 2',
  ),
  ceremonyVector(
    'ceremony: fewer recipients than the threshold: withheld, no key made',
    { threshold: 3 },
    [agent(1, true), agent(2, true), agent(3, false)],
    1,
    'compute ceremony 3',
  ),
  ceremonyVector(
    'ceremony: enough recipients for the threshold, fewer than min_participants: withheld',
    { threshold: 2 },
    [agent(1, true), agent(2, true)],
    3,
    'compute ceremony 4',
  ),
  ceremonyVector('ceremony: threshold is required', {}, [], 1),
  ceremonyVector('ceremony: a threshold of 1 is no threshold', { threshold: 1 }, [], 1),
  ceremonyVector('ceremony: a threshold written as a string', { threshold: '2' }, [], 1),
  ceremonyVector(
    'ceremony: recipients listed twice',
    { threshold: 2, recipients: [5, 5, 6] },
    [],
    1,
  ),
  ceremonyVector(
    'ceremony: fewer listed recipients than the threshold',
    { threshold: 3, recipients: [5, 6] },
    [],
    1,
  ),
  ceremonyVector(
    'ceremony: recipients by login are not user ids',
    { threshold: 2, recipients: ['alice', 'bob'] },
    [],
    1,
  ),
  ceremonyVector('ceremony: an unknown parameter', { threshold: 2, shares: 3 }, [], 1),
];
await write('compute.json', {
  ...computeVectors,
  vectors: [
    ...computeVectors.vectors.filter((v) => v.in.computation !== 'ceremony'),
    ...ceremonies,
  ],
});
