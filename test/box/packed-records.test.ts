// What a box keeps of each comment, packed (src/box/packed.ts): every record
// reads back exactly as written, whatever its fields hold; the bus's withheld
// record and the host's ledger give the same answers as the objects they replace.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import test from 'node:test';
import type { BusComment } from '../../src/box/close-rules.ts';
import {
  digestChars,
  digestHex,
  packRecord,
  sha256Chars,
  textSha256Chars,
  timeField,
  timeText,
  unpackRecord,
} from '../../src/box/packed.ts';
import { BAD_FRAMING, NOT_ARMOUR, NOT_OPENED, type Judged } from '../../src/box/sealing.ts';
import { SeenComments } from '../../src/box/seen-comments.ts';
import { packWithheld, unpackWithheld, withheldFacts } from '../../src/box/withheld-record.ts';
import { sha256Hex } from '../../src/bytes.ts';

const hex = () => randomBytes(32).toString('hex');
// Texts a field may hold: separators, digits and colons, newlines, characters past U+00FF, nothing.
const ODD = ['', ':', '12:', '0:0:', 'a\nb', 'x'.repeat(300), 'ünï', '名前', '\u0000', '😀:1'];

test('a digest as 32 one-byte characters reads back as the same hex; anything else is refused', async () => {
  for (let i = 0; i < 200; i++) {
    const d = hex();
    const chars = digestChars(d);
    assert.equal(chars.length, 32);
    assert.ok([...chars].every((c) => c.charCodeAt(0) < 256));
    assert.equal(digestHex(chars), d);
  }
  const bytes = randomBytes(100);
  assert.equal(digestHex(await sha256Chars(bytes)), await sha256Hex(bytes));
  // A text's digest tells apart texts UTF-8 would make equal (lone surrogates).
  assert.notEqual(await textSha256Chars('a\uD800b'), await textSha256Chars('a\uDC00b'));
  assert.equal(await textSha256Chars('a\uD800b'), await textSha256Chars('a\uD800b'));
  assert.equal((await textSha256Chars('x')).length, 32);
  for (const bad of ['', 'AB'.repeat(32), 'g'.repeat(64), '0'.repeat(63), '0'.repeat(65)])
    assert.throws(() => digestChars(bad), /not a SHA-256 digest/);
});

test('a record reads back field for field, whatever characters the fields hold', () => {
  for (const fixed of ['', 'F', digestChars(hex()) + '\n:9'])
    for (let i = 0; i < ODD.length; i++) {
      const fields = [ODD[i]!, ODD[(i + 3) % ODD.length]!, String(i), ODD[(i + 7) % ODD.length]!];
      const record = packRecord(fixed, [...fields.slice(0, 2), i, fields[3]!]);
      assert.deepEqual(unpackRecord(record, fixed.length), { fixed, fields });
    }
  assert.deepEqual(unpackRecord(packRecord('ab', []), 2), { fixed: 'ab', fields: [] });
});

test('a damaged record is refused, never read as other fields', () => {
  for (const damaged of ['x5:ab', 'x:ab', 'x-1:ab', 'x2ab', 'x1e3:a', 'x9007199254740993:a'])
    assert.throws(() => unpackRecord(damaged, 1), /damaged/, damaged);
});

test('a time reads back as the same text: whole UTC seconds in six characters, any other text as itself', () => {
  const whole = [
    '2026-11-27T21:05:37Z',
    '1970-01-01T00:00:00Z',
    '2000-02-29T23:59:59Z',
    '9999-12-31T23:59:59Z',
  ];
  for (const t of whole) {
    assert.equal(timeField(t).length, 6, t);
    assert.equal(timeText(timeField(t)), t);
  }
  for (let i = 0; i < 500; i++) {
    const t = new Date(Math.floor(Math.random() * 4e12)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    assert.equal(timeText(timeField(t)), t);
  }
  const others = [
    '',
    '2026-11-27T21:05:37.120Z',
    '2026-11-27T21:05:37+00:00',
    '2026-11-27 21:05:37Z',
    '2026-02-30T00:00:00Z',
    '2026-11-27T23:59:60Z',
    '1969-12-31T23:59:59Z',
    '+02026-11-27T21:05:37Z',
    'tAAAAA',
    'not a time',
    ...ODD,
  ];
  for (const t of others) {
    assert.equal(timeField(t), 's' + t, JSON.stringify(t));
    assert.equal(timeText(timeField(t)), t);
  }
});

const comment = (over: Partial<BusComment> = {}): BusComment => ({
  id: 7,
  author_id: 4242,
  author_login: 'alice',
  created_at: '2026-11-27T10:00:00Z',
  updated_at: '2026-11-27T10:00:00Z',
  body: '',
  withheld: { bytes: 1234, armourSha256: hex() },
  ...over,
});

test('a withheld comment packed reads back as the same comment, with its body digest', async () => {
  const variants: BusComment[] = [
    comment(),
    comment({ edited: true }),
    comment({ updated_at: '2026-11-27T10:00:01Z' }),
    comment({ updated_at: '2026-11-27T10:00:01Z', edited: true, author_id: 0, author_login: '' }),
    ...ODD.map((login, i) =>
      comment({ author_login: login, created_at: ODD[(i + 1) % ODD.length]!, author_id: i }),
    ),
  ];
  for (const c of variants) {
    const body = await sha256Chars(randomBytes(8));
    const record = packWithheld(c, body);
    const { comment: back, bodySha256 } = unpackWithheld(c.id, record);
    assert.deepEqual(back, c);
    assert.equal(bodySha256, body);
    // What a new reading is compared with, read from the record's fixed part alone.
    assert.deepEqual(withheldFacts(record), {
      armourSha256: c.withheld!.armourSha256,
      bodySha256: body,
      edited: Boolean(c.edited),
    });
  }
  // Its edit record and any kept armour are not part of it: a withheld comment has neither.
  assert.throws(() => packWithheld(comment({ withheld: undefined, body: 'x' }), 'x'.repeat(32)));
});

const seenComment = (id: number, author: number, armour: string): BusComment => ({
  id,
  author_id: author,
  author_login: `user${author}`,
  created_at: `2026-11-27T10:00:${String(id % 60).padStart(2, '0')}Z`,
  updated_at: `2026-11-27T10:00:${String(id % 60).padStart(2, '0')}Z`,
  body: '',
  withheld: { bytes: 100 + id, armourSha256: armour },
});

test("the host's ledger answers as a Map of judgements would, and keeps each comment as last seen", async () => {
  const ledger = new SeenComments();
  const reference = new Map<number, Judged>();
  const digests = Array.from({ length: 4 }, hex);
  const contents = [
    NOT_ARMOUR,
    NOT_OPENED,
    BAD_FRAMING,
    { armour: true, opened: true, plaintext: { message: 'm' } },
  ];
  const last = new Map<number, BusComment>();
  // A random walk: comments seen (new authors and armours among them), judged, judged again.
  let seed = 7;
  // A 32-bit LCG in integer arithmetic, its high bits taken (the low ones of an LCG cycle short).
  const pick = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
  for (let step = 0; step < 2000; step++) {
    const id = 1 + pick(12);
    if (pick(3) === 0 || !last.has(id)) {
      // Author, login and time each change on their own too (a rename; another bus's times).
      const c = {
        ...seenComment(id, 100 + pick(3), digests[pick(4)]!),
        author_login: ['carol', 'carol-renamed', '1:x', ''][pick(4)]!,
        ...(pick(2) ? { created_at: '2026-11-27T10:00:00.500Z' } : {}),
      };
      await ledger.add([c]);
      // As last seen: its author and login too, when only they changed (a rename, the ghost).
      last.set(id, c);
    } else {
      const j: Judged = {
        author_id: 100 + pick(3),
        ciphertextSha256: digests[pick(4)]!,
        content: contents[pick(4)]!,
      };
      ledger.set(id, j);
      reference.set(id, j);
    }
    for (const [k, j] of reference) assert.deepEqual(ledger.get(k), j, `step ${step}`);
  }
  assert.deepEqual(
    [...ledger.values()].sort((a, b) => a.id - b.id),
    [...last.values()]
      .sort((a, b) => a.id - b.id)
      .map((c) => ({
        id: c.id,
        author_id: c.author_id,
        author_login: c.author_login,
        created_at: c.created_at,
        ciphertext_sha256: c.withheld!.armourSha256,
      })),
  );
  assert.throws(() => ledger.set(999, reference.values().next().value!), /before it was seen/);
  ledger.clear();
  assert.deepEqual([...ledger.values()], []);
  assert.equal(ledger.get(1), undefined);
});

test('the ledger hands each new armour to release once, and each new comment to onNew once', async () => {
  const released: [number, string][] = [];
  const fresh: number[] = [];
  const ledger = new SeenComments(
    (c) => fresh.push(c.id),
    async (c, d) => void released.push([c.id, d]),
  );
  const armour = (text: string): BusComment => ({
    ...seenComment(1, 5, hex()),
    withheld: undefined,
    body: `-----BEGIN SEALBOX SUBMISSION-----\n${text}\n-----END SEALBOX SUBMISSION-----`,
  });
  const first = armour('QUJD');
  await ledger.add([first]);
  const d1 = await sha256Hex(new TextEncoder().encode('QUJD'));
  assert.deepEqual(released, [[1, d1]]);
  // The bus now withholds it: the same armour is nothing new.
  await ledger.add([{ ...seenComment(1, 5, d1) }]);
  assert.equal(released.length, 1);
  // A new armour in its body (the bus did not withhold it: it changed) is released again.
  await ledger.add([armour('REVG')]);
  assert.deepEqual(released.at(-1), [1, await sha256Hex(new TextEncoder().encode('REVG'))]);
  assert.deepEqual(fresh, [1]);
});
