// Writes docs/spec/vectors/sealed-box-v1.1/padding.json: the v1.1 plaintext
// padding (docs/spec/submission-v1.1.md §1) as data another implementation
// runs unchanged. Padding is deterministic: rerunning writes the same file.
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { sha256Hex, toBase64, toHex } from '../src/bytes.ts';
import { isSealboxError } from '../src/errors.ts';
import {
  armourLength,
  buckets,
  commentBudget,
  pad,
  plaintextCap,
  unpad,
  type PaddingParams,
  type SubmissionFields,
} from '../src/box/padding.ts';

const FORMAT = [
  'sealbox sealed-box v1.1 plaintext padding vectors (docs/spec/submission-v1.1.md section 1).',
  'A box is {suite, max_bytes, signed_submissions} (the manifest fields).',
  '`caps`: for a box, `budget` (bytes its submission armour may take), `cap` (the last bucket: the largest padded plaintext whose armour, counting every line break as 2 bytes, fits the budget; null when not even an empty one fits), `buckets` (ascending; empty when cap < 256: such a box is invalid), `armour_lf_at_cap` (the armour as sealbox writes it, LF), `armour_crlf_at_cap` and `armour_crlf_above_cap` (for cap and cap + 1).',
  '`pad`: `fields` in ({message, reply_public_key?} with reply_public_key base64; a message too long to write out is `message_repeat`: {text, count}, the text repeated count times), and either `padded` out ({length, sha256 of the padded bytes, hex of the first min(length, 1024) bytes}: the bytes after the hex are all zero when length > 1024) or `refuse` (the participant must not seal: `input`, the input the error names).',
  '`unpad`: `padded_hex` in (the whole decrypted plaintext), and either `fields` out or `reason` (the first rule broken, in the spec order; the box records it as `malformed`).',
].join(' ');

const box = (
  suite: PaddingParams['suite'],
  maxBytes: number,
  signedSubmissions = false,
): PaddingParams => ({ suite, maxBytes, signedSubmissions });
const boxJson = (p: PaddingParams) => ({
  suite: p.suite,
  max_bytes: p.maxBytes,
  signed_submissions: p.signedSubmissions,
});

const caps = [];
for (const p of [
  box('x-wing', 65536),
  box('x-wing', 65536, true),
  box('x25519', 65536),
  box('x25519', 65536, true),
  box('x-wing', 4096),
  box('x-wing', 4096, true),
  box('x25519', 1024),
  box('x-wing', 2048),
  box('x25519', 2048, true),
  box('x-wing', 2048, true),
]) {
  const cap = plaintextCap(p);
  caps.push({
    box: boxJson(p),
    budget: commentBudget(p),
    cap: cap < 0 ? null : cap,
    buckets: buckets(p),
    ...(cap < 0
      ? {}
      : {
          armour_lf_at_cap: armourLength(p.suite, cap),
          armour_crlf_at_cap: armourLength(p.suite, cap, 2),
          armour_crlf_above_cap: armourLength(p.suite, cap + 1, 2),
        }),
  });
}

const repeat = (text: string, count: number) => ({ text, count });
const x25519Key = toBase64(Uint8Array.from({ length: 32 }, (_, i) => i + 1));
const xwingKey = toBase64(Uint8Array.from({ length: 1216 }, (_, i) => (i * 7 + 3) & 255));

type PadCase = {
  name: string;
  box: PaddingParams;
  message?: string;
  message_repeat?: { text: string; count: number };
  reply_public_key?: string;
};
const big = box('x-wing', 65536);
const bigCap = plaintextCap(big);
const signedCap = plaintextCap(box('x25519', 65536, true));
const small = box('x25519', 1024); // buckets 256, 512, 645
const smallCap = plaintextCap(small);
const padCases: PadCase[] = [
  { name: 'a yes vote: the smallest bucket', box: big, message: 'yes' },
  { name: 'an empty message', box: big, message: '' },
  {
    name: 'framed 256 bytes: the first bucket exactly',
    box: small,
    message_repeat: repeat('a', 250),
  },
  { name: 'framed 257 bytes: the next bucket', box: small, message_repeat: repeat('a', 251) },
  { name: 'framed 512 bytes', box: small, message_repeat: repeat('b', 506) },
  {
    name: 'framed 513 bytes: the cap of a small box',
    box: small,
    message_repeat: repeat('b', 507),
  },
  {
    name: 'framed exactly the cap of a small box',
    box: small,
    message_repeat: repeat('c', smallCap - 6),
  },
  {
    name: 'one byte over the cap of a small box',
    box: small,
    message_repeat: repeat('c', smallCap - 5),
  },
  { name: 'multi-byte UTF-8 counts in bytes', box: small, message_repeat: repeat('€', 83) },
  { name: 'a byte order mark and NUL are message bytes', box: small, message: '\ufeffbid\u00000' },
  { name: 'with an x25519 reply key', box: small, message: '42', reply_public_key: x25519Key },
  { name: 'with an X-Wing reply key', box: big, message: '42', reply_public_key: xwingKey },
  { name: 'framed 32768 bytes', box: big, message_repeat: repeat('d', 32762) },
  { name: 'framed 32769 bytes: the cap', box: big, message_repeat: repeat('d', 32763) },
  { name: 'framed exactly the cap', box: big, message_repeat: repeat('e', bigCap - 6) },
  { name: 'one byte over the cap', box: big, message_repeat: repeat('e', bigCap - 5) },
  {
    name: 'signed box: exactly its (smaller) cap',
    box: box('x25519', 65536, true),
    message_repeat: repeat('f', signedCap - 6),
  },
  {
    name: 'signed box: one byte over its cap',
    box: box('x25519', 65536, true),
    message_repeat: repeat('f', signedCap - 5),
  },
  { name: 'a lone surrogate is not text', box: small, message: 'bid \ud800' },
  {
    name: 'reply key: not canonical base64',
    box: small,
    message: '1',
    reply_public_key: x25519Key.slice(0, -2) + 'B=',
  },
  {
    name: 'reply key: not the suite length',
    box: small,
    message: '1',
    reply_public_key: toBase64(new Uint8Array(31)),
  },
  {
    name: 'reply key: an X-Wing key in an x25519 box',
    box: small,
    message: '1',
    reply_public_key: xwingKey,
  },
  { name: 'a box with no bucket', box: box('x25519', 2048, true), message: 'yes' },
];

const fieldsOf = (c: PadCase): SubmissionFields => ({
  message: c.message ?? c.message_repeat!.text.repeat(c.message_repeat!.count),
  ...(c.reply_public_key === undefined ? {} : { reply_public_key: c.reply_public_key }),
});

const pads = [];
for (const c of padCases) {
  const fields = {
    ...(c.message === undefined ? { message_repeat: c.message_repeat } : { message: c.message }),
    ...(c.reply_public_key === undefined ? {} : { reply_public_key: c.reply_public_key }),
  };
  try {
    const padded = pad(fieldsOf(c), c.box);
    const back = unpad(padded, c.box);
    if (!back.ok || JSON.stringify(back.fields) !== JSON.stringify(fieldsOf(c)))
      throw new Error(`${c.name}: does not round-trip`);
    pads.push({
      name: c.name,
      box: boxJson(c.box),
      fields,
      padded: {
        length: padded.length,
        sha256: await sha256Hex(padded),
        hex: toHex(padded.subarray(0, 1024)),
      },
    });
  } catch (e) {
    if (!isSealboxError(e) || e.code !== 'INPUT_INVALID') throw e;
    pads.push({
      name: c.name,
      box: boxJson(c.box),
      fields,
      refuse: { input: e.message.split(':')[0] },
    });
  }
}

/** A padded plaintext built by hand: header fields, then a length, then edits. */
function bytes(
  length: number,
  message: Uint8Array,
  key: Uint8Array = new Uint8Array(0),
  edit?: (b: Uint8Array, v: DataView) => void,
): string {
  const b = new Uint8Array(length);
  const v = new DataView(b.buffer);
  v.setUint32(0, message.length);
  b.set(message, 4);
  v.setUint16(4 + message.length, key.length);
  b.set(key, 6 + message.length);
  edit?.(b, v);
  return toHex(b);
}
const te = new TextEncoder();
const key32 = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const unpadCases: { name: string; box: PaddingParams; padded_hex: string }[] = [
  { name: 'valid: yes', box: small, padded_hex: bytes(256, te.encode('yes')) },
  { name: 'valid: a reply key', box: small, padded_hex: bytes(256, te.encode('42'), key32) },
  {
    name: 'valid: the cap of a small box',
    box: small,
    padded_hex: bytes(smallCap, te.encode('c'.repeat(smallCap - 6))),
  },
  {
    name: 'valid: a leading byte order mark is kept',
    box: small,
    padded_hex: bytes(256, Uint8Array.of(0xef, 0xbb, 0xbf, 0x31)),
  },
  { name: 'size: 255 bytes', box: small, padded_hex: bytes(255, te.encode('yes')) },
  { name: 'size: 300 bytes', box: small, padded_hex: bytes(300, te.encode('yes')) },
  {
    name: 'size: 1024 is not a bucket of a box whose cap is 645',
    box: small,
    padded_hex: bytes(1024, te.encode('yes')),
  },
  { name: 'size: 0 bytes', box: small, padded_hex: '' },
  {
    name: 'message length runs past the end',
    box: small,
    padded_hex: bytes(256, te.encode('yes'), undefined, (_, v) => v.setUint32(0, 251)),
  },
  {
    name: 'message length 2^32 - 1',
    box: small,
    padded_hex: bytes(256, te.encode('yes'), undefined, (_, v) => v.setUint32(0, 0xffffffff)),
  },
  {
    name: 'reply key length neither 0 nor the suite length',
    box: small,
    padded_hex: bytes(256, te.encode('yes'), key32.subarray(0, 31)),
  },
  {
    name: 'reply key runs past the end',
    box: small,
    padded_hex: bytes(256, te.encode('y'.repeat(220)), undefined, (_, v) =>
      v.setUint16(4 + 220, 32),
    ),
  },
  {
    name: 'a bigger bucket than the message needs',
    box: small,
    padded_hex: bytes(512, te.encode('yes')),
  },
  {
    name: 'the cap for a message that fits 512',
    box: small,
    padded_hex: bytes(smallCap, te.encode('b'.repeat(506))),
  },
  {
    name: 'a non-zero padding byte at the end',
    box: small,
    padded_hex: bytes(256, te.encode('yes'), undefined, (b) => (b[255] = 1)),
  },
  {
    name: 'a non-zero padding byte right after the fields',
    box: small,
    padded_hex: bytes(256, te.encode('yes'), undefined, (b) => (b[9] = 0x80)),
  },
  {
    name: 'message: a lone continuation byte',
    box: small,
    padded_hex: bytes(256, Uint8Array.of(0x80)),
  },
  {
    name: 'message: an overlong NUL',
    box: small,
    padded_hex: bytes(256, Uint8Array.of(0xc0, 0x80)),
  },
  {
    name: 'message: an encoded surrogate',
    box: small,
    padded_hex: bytes(256, Uint8Array.of(0xed, 0xa0, 0x80)),
  },
  {
    name: 'message: a truncated sequence',
    box: small,
    padded_hex: bytes(256, Uint8Array.of(0x31, 0xe2, 0x82)),
  },
];
const unpads = unpadCases.map((c) => {
  const verdict = unpad(Uint8Array.from(Buffer.from(c.padded_hex, 'hex')), c.box);
  return {
    name: c.name,
    box: boxJson(c.box),
    padded_hex: c.padded_hex,
    ...(verdict.ok ? { fields: verdict.fields } : { reason: verdict.reason }),
  };
});

const out = new URL('../docs/spec/vectors/sealed-box-v1.1/padding.json', import.meta.url);
const json = JSON.stringify({ format: FORMAT, caps, pad: pads, unpad: unpads });
// Formatted as the repository's prettier formats it, so `npm run lint` passes on a fresh file.
writeFileSync(out, await format(json, { ...(await resolveConfig(out)), filepath: out.pathname }));
console.log(
  `wrote docs/spec/vectors/sealed-box-v1.1/padding.json: ${caps.length} caps, ${pads.length} pad, ${unpads.length} unpad`,
);
