// What a bus keeps of a withheld comment (BusComment.withheld: one the box has
// judged, or over max_bytes), packed in one string (packed.ts): its armour's
// and its body's SHA-256 (the body's tells an edit), whether it was edited,
// its size, author and times. Pure and portable.
import type { BusComment } from './close-rules.ts';
import { digestChars, digestHex, packRecord, timeField, timeText, unpackRecord } from './packed.ts';

// The fixed part: the armour's digest, the body's, and one flag character.
const FIXED = 65;
const EDITED = 1;
const UPDATED = 2;

/**
 * A withheld comment as one string; `bodySha256` is its body's digest as
 * sha256Chars gives it. Its edit record is not kept (a final listing reads it afresh).
 */
export function packWithheld(comment: BusComment, bodySha256: string): string {
  const w = comment.withheld;
  if (!w || bodySha256.length !== 32) throw new Error(`comment ${comment.id} is not withheld`);
  const updated = comment.updated_at !== comment.created_at;
  const flags = (comment.edited ? EDITED : 0) | (updated ? UPDATED : 0);
  return packRecord(digestChars(w.armourSha256) + bodySha256 + String.fromCharCode(48 + flags), [
    w.bytes,
    comment.author_id,
    comment.author_login,
    timeField(comment.created_at),
    ...(updated ? [timeField(comment.updated_at)] : []),
  ]);
}

/** packWithheld undone, for the comment of this id. */
export function unpackWithheld(
  id: number,
  record: string,
): { comment: BusComment; bodySha256: string } {
  const { fixed, fields } = unpackRecord(record, FIXED);
  const [bytes, authorId, login, created, updated] = fields as [
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  const flags = fixed.charCodeAt(64) - 48;
  const createdAt = timeText(created);
  const comment: BusComment = {
    id,
    author_id: Number(authorId),
    author_login: login,
    created_at: createdAt,
    updated_at: flags & UPDATED ? timeText(updated!) : createdAt,
    body: '',
    withheld: { bytes: Number(bytes), armourSha256: digestHex(fixed.slice(0, 32)) },
  };
  if (flags & EDITED) comment.edited = true;
  return { comment, bodySha256: fixed.slice(32, 64) };
}

/**
 * What the bus compares a new reading of a withheld comment with, read from
 * its record's fixed part alone (nothing else is built): its armour's digest
 * (hex), its body's (as sha256Chars gives it), and whether it was edited.
 */
export function withheldFacts(record: string): {
  armourSha256: string;
  bodySha256: string;
  edited: boolean;
} {
  return {
    armourSha256: digestHex(record.slice(0, 32)),
    bodySha256: record.slice(32, 64),
    edited: ((record.charCodeAt(64) - 48) & EDITED) !== 0,
  };
}
