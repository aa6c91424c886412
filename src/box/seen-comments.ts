// Every armoured comment a box has seen, one packed record each (packed.ts):
// what the box needs to record it as deleted should it vanish (SeenArmour),
// and what the judge found in it (JudgedMemo). Of a comment whose body the bus
// keeps, the body too (shared with the bus), to tell a new one. Portable.
import { armourSha256, type BusComment, type SeenArmour } from './close-rules.ts';
import { digestChars, digestHex, packRecord, timeField, timeText, unpackRecord } from './packed.ts';
import {
  BAD_FRAMING,
  NOT_ARMOUR,
  NOT_OPENED,
  type Content,
  type Judged,
  type JudgedMemo,
  type Plaintext,
} from './sealing.ts';

// The fixed part: what the judge found (one character), then the armour's digest as seen.
const FIXED = 33;
const NOT_JUDGED = '0';
const CODES = new Map<Content, string>([
  [NOT_ARMOUR, 'a'],
  [NOT_OPENED, 'u'],
  [BAD_FRAMING, 'f'],
]);
const OPENED = 'p';
const CONTENTS = new Map([...CODES].map(([content, code]) => [code, content]));

interface Entry {
  seen: SeenArmour;
  /** What the judge found, for the author and armour it judged; absent if never judged. */
  judged?: { code: string; author_id: number; ciphertextSha256: string };
}

// Fields: the author's id, created_at, the author's login; then, once judged,
// the author and digest it was judged for, each empty when the same as seen.
function pack(e: Entry): string {
  const j = e.judged;
  const fields: (string | number)[] = [
    e.seen.author_id,
    timeField(e.seen.created_at),
    e.seen.author_login,
  ];
  if (j)
    fields.push(
      j.author_id === e.seen.author_id ? '' : j.author_id,
      j.ciphertextSha256 === e.seen.ciphertext_sha256 ? '' : digestChars(j.ciphertextSha256),
    );
  return packRecord((j?.code ?? NOT_JUDGED) + digestChars(e.seen.ciphertext_sha256), fields);
}

function unpack(id: number, record: string): Entry {
  const { fixed, fields } = unpackRecord(record, FIXED);
  const [authorId, created, login, judgedAuthor, judgedDigest] = fields as [
    string,
    string,
    string,
    string | undefined,
    string | undefined,
  ];
  const seen: SeenArmour = {
    id,
    author_id: Number(authorId),
    author_login: login,
    created_at: timeText(created),
    ciphertext_sha256: digestHex(fixed.slice(1)),
  };
  const code = fixed[0]!;
  if (code === NOT_JUDGED) return { seen };
  return {
    seen,
    judged: {
      code,
      author_id: judgedAuthor ? Number(judgedAuthor) : seen.author_id,
      ciphertextSha256: judgedDigest ? digestHex(judgedDigest) : seen.ciphertext_sha256,
    },
  };
}

/** The record says this of the comment's armour, author, time and login (its judgement aside). */
function sameSighting(record: string, c: BusComment, ciphertextSha256: string): boolean {
  // The seen fields come first, each with its length: a record that starts with them holds them.
  const seen = packRecord(digestChars(ciphertextSha256), [
    c.author_id,
    timeField(c.created_at),
    c.author_login,
  ]);
  return record.startsWith(seen, 1);
}

/**
 * The box's ledger of armoured comments: each new or changed one handed to
 * `release` (judged, then given up by the bus), its judgement kept here.
 */
export class SeenComments implements JudgedMemo {
  readonly #byId = new Map<number, string>();
  // The body last seen, where the bus keeps it (no release): a new one is judged again.
  readonly #bodies = new Map<number, string>();
  // The plaintexts of the comments that opened: the only judgements that are not a code.
  readonly #plaintexts = new Map<number, Plaintext>();
  readonly #onNew: (c: BusComment) => void;
  readonly #release?: (c: BusComment, ciphertextSha256: string) => Promise<void>;

  constructor(
    onNew: (c: BusComment) => void = () => {},
    release?: (c: BusComment, ciphertextSha256: string) => Promise<void>,
  ) {
    this.#onNew = onNew;
    this.#release = release;
  }

  /**
   * Records each armoured comment as seen now (its author, login and time as
   * last seen, also when only they changed: a renamed account, or a deleted
   * one's comments moved to the ghost); a new body goes to `release`.
   */
  async add(comments: BusComment[]): Promise<void> {
    for (const c of comments) {
      const record = this.#byId.get(c.id);
      // The same body as last seen (where the bus keeps it): the same armour, not hashed again.
      const sameBody = !c.withheld && record !== undefined && this.#bodies.get(c.id) === c.body;
      const ciphertextSha256 = sameBody ? digestHex(record.slice(1, FIXED)) : await armourSha256(c);
      if (ciphertextSha256 === undefined) continue;
      // Seen as before (its armour, author, time and login): nothing to write.
      if (record !== undefined && sameSighting(record, c, ciphertextSha256)) continue;
      const next = pack({
        seen: {
          id: c.id,
          author_id: c.author_id,
          author_login: c.author_login,
          created_at: c.created_at,
          ciphertext_sha256: ciphertextSha256,
        },
        judged: record === undefined ? undefined : unpack(c.id, record).judged,
      });
      if (record === undefined) this.#onNew(c);
      // Recorded first: the judge, called by release, writes into the record.
      this.#byId.set(c.id, next);
      if (c.withheld || sameBody) continue;
      if (this.#release === undefined) this.#bodies.set(c.id, c.body);
      else {
        this.#bodies.delete(c.id);
        await this.#release(c, ciphertextSha256);
      }
    }
  }

  /** Each as a SeenArmour, as last seen with armour, made as it is read. */
  *values(): Generator<SeenArmour> {
    // One at a time: a listing's classification walks them once, and a flood's are many.
    for (const [id, record] of this.#byId) yield unpack(id, record).seen;
  }

  get(commentId: number): Judged | undefined {
    const record = this.#byId.get(commentId);
    const j = record === undefined ? undefined : unpack(commentId, record).judged;
    if (!j) return undefined;
    const content: Content | undefined =
      j.code === OPENED
        ? { armour: true, opened: true, plaintext: this.#plaintexts.get(commentId)! }
        : CONTENTS.get(j.code);
    if (!content) throw new Error(`comment ${commentId}: a judgement's record is damaged`);
    return { author_id: j.author_id, ciphertextSha256: j.ciphertextSha256, content };
  }

  set(commentId: number, judged: Judged): void {
    const record = this.#byId.get(commentId);
    if (record === undefined) throw new Error(`comment ${commentId} was judged before it was seen`);
    const { plaintext } = judged.content;
    const code = plaintext ? OPENED : CODES.get(judged.content);
    if (code === undefined) throw new Error(`comment ${commentId}: a judgement has no code`);
    if (plaintext) this.#plaintexts.set(commentId, plaintext);
    else this.#plaintexts.delete(commentId);
    this.#byId.set(
      commentId,
      pack({
        seen: unpack(commentId, record).seen,
        judged: { code, author_id: judged.author_id, ciphertextSha256: judged.ciphertextSha256 },
      }),
    );
  }

  /** Forgets every comment and every plaintext (once the computation has its inputs). */
  clear(): void {
    this.#byId.clear();
    this.#bodies.clear();
    this.#plaintexts.clear();
  }
}
