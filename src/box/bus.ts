// The bus a box talks over: one interface, adapters elsewhere (GitHub issue,
// directory, and in tests an in-memory one); and the texts a box posts on it.
// Portable.
import { fromBase64, toBase64 } from '../bytes.ts';
import { tryBoundedJson, type JsonBounds } from '../bounded-json.ts';
import type { BusComment, EditRecord } from './close-rules.ts';
import { fencedBase64 } from './fenced-blocks.ts';
import { gzip } from './gzip.ts';
import type { Bus } from './manifest.ts';

export interface Announcement {
  boxId: string;
  manifest: Uint8Array;
  manifestBundle: unknown;
  /** Hints for people; no check reads them (times come from the manifest's attestation). */
  opensAt: string;
  closesAt: string;
}

/** A GitHub SSH signing key, as `GET /users/{username}/ssh_signing_keys` lists it. */
export interface SigningKey {
  key: string;
}

export interface BoxBus {
  /** Where participants find the box (e.g. OWNER/REPO#N), once opened. */
  readonly address: string;
  /** Creates the box's place (an issue) and says where it is and who posts as the box. */
  open(boxId: string): Promise<Bus>;
  announce(a: Announcement): Promise<void>;
  /** Every comment, completely (all pages; at least as many as the bus counts). */
  comments(): Promise<BusComment[]>;
  /**
   * A cheaper read while the box is open (incremental); defaults to
   * comments(). It may leave out the comments that never carried the armour.
   */
  poll?(): Promise<BusComment[]>;
  /**
   * Comments over this many UTF-8 bytes can only be rejected (too_large, or
   * an earlier reason): the bus may keep of one only its size and digests
   * (BusComment.withheld).
   */
  keepBodiesUpTo?(maxBytes: number): void;
  /**
   * The box has judged this comment as read (or never will need to), and
   * gives its armour's SHA-256: unless its body has changed since, the bus
   * may keep of it from now on only its size and digests
   * (BusComment.withheld), telling an edit by the body's digest.
   */
  release?(comment: BusComment, armourSha256: string): Promise<void>;
  /** GitHub's own edit record of each comment, by comment id. */
  editRecords?(): Promise<Map<number, EditRecord>>;
  /**
   * comments() with each comment's edit record, read together (fewer
   * requests than the two apart, the same completeness); it may leave out the
   * comments that never carried the armour.
   */
  commentsWithEditRecords?(): Promise<BusComment[]>;
  /** An author's SSH signing keys (for signed submissions); none when the login is no longer that id's. */
  signingKeys?(login: string, authorId: number): Promise<SigningKey[]>;
  /** A short public status (count so far, closing time), updated in place. */
  status?(text: string): Promise<void>;
  /** Stops new comments by strangers (at closed_at); unlock undoes it. */
  lock?(): Promise<void>;
  unlock?(): Promise<void>;
  publishResult(result: Uint8Array, bundle: unknown): Promise<void>;
  close(): Promise<void>;
}

/** A bundle travelling in a comment: at most this big and this deep. */
export const BUNDLE_BOUNDS: JsonBounds = { maxLength: 1024 * 1024, maxDepth: 64 };

const fence = (tag: string, bytes: Uint8Array) =>
  ['```' + tag, ...(toBase64(bytes).match(/.{1,76}/g) ?? []), '```'].join('\n');

/** A fenced block's bytes; undefined when absent or not base64. */
export function block(text: string, tag: string): Uint8Array | undefined {
  const b64 = fencedBase64(text, tag);
  if (b64 === undefined) return undefined;
  try {
    return fromBase64(b64);
  } catch {
    return undefined; // not base64: not a block of ours
  }
}

/** A fenced block holding bounded JSON; undefined when absent, out of bounds or not JSON. */
export function jsonBlock(text: string, tag: string, bounds = BUNDLE_BOUNDS): unknown {
  const bytes = block(text, tag);
  if (!bytes) return undefined;
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return tryBoundedJson(decoded, bounds);
}

/**
 * The announcement as an issue body: the manifest and its bundle as base64 of
 * their exact bytes in fenced blocks, so that an edit of whitespace in the web
 * editor cannot change what is hashed.
 */
export function announcementText(a: Announcement, status?: string): string {
  return [
    `sealbox box \`${a.boxId}\`: submissions open at ${a.opensAt} and close at ${a.closesAt}.`,
    '',
    ...(status ? [`Status: ${status.replace(/[`\n]/g, ' ')}`, ''] : []),
    'Submit with `npx sealbox box submit` (it checks the attestation first). Anything else posted here is ignored.',
    '',
    `opens_at: ${a.opensAt}`,
    `closes_at: ${a.closesAt}`,
    '',
    fence('sealbox-manifest', a.manifest),
    '',
    fence('sealbox-manifest-bundle', new TextEncoder().encode(JSON.stringify(a.manifestBundle))),
    '',
  ].join('\n');
}

const OPENING = ': opening. The manifest follows once it is attested.';

/** The body of a box's issue before its manifest is attested. */
export function openingText(boxId: string): string {
  return `sealbox box \`${boxId}\`${OPENING}\n`;
}

/** The issue is a box still opening (its manifest not attested yet). */
export function isOpening(text: string): boolean {
  return /^sealbox box `[A-Za-z0-9_-]{1,64}`/.test(text) && text.includes(OPENING);
}

export function parseAnnouncement(text: string): Announcement | undefined {
  const manifest = block(text, 'sealbox-manifest');
  const manifestBundle = jsonBlock(text, 'sealbox-manifest-bundle');
  // Hints only (no check reads them); each pattern is anchored to a line: linear.
  const opensAt = /^opens_at: (\S+)$/m.exec(text)?.[1];
  const closesAt = /^closes_at: (\S+)$/m.exec(text)?.[1];
  const boxId = /^sealbox box `([A-Za-z0-9_-]{1,64})`/.exec(text)?.[1];
  if (!manifest || manifestBundle === undefined || !opensAt || !closesAt || !boxId)
    return undefined;
  return { boxId, manifest, manifestBundle, opensAt, closesAt };
}

/** GitHub holds at most 65,536 characters in a comment; parts stay well under it. */
const PART_CHARS = 60_000;

export const RESULT_PART = /^sealbox box result \(gzip\), part (\d{1,5}) of (\d{1,5}):/;

/**
 * The result as comment bodies: one, readable, when it fits; else the result
 * gzip-compressed (`sealbox-result-gzip`, in numbered parts if need be), the
 * bundle in the last comment when it fits there. The bytes read back are the
 * exact bytes attested: compression is only how they travel.
 */
export async function resultTexts(result: Uint8Array, bundle: unknown): Promise<string[]> {
  const bundleBlock = fence(
    'sealbox-result-bundle',
    new TextEncoder().encode(JSON.stringify(bundle)),
  );
  // The readable text only where it may fit (it holds the result's base64):
  // a large result is not written out whole just to be found too long.
  if (Math.ceil(result.length / 3) * 4 <= PART_CHARS) {
    const whole = resultText(result, bundle);
    if (whole.length <= PART_CHARS) return [whole];
  }
  const encoded = toBase64(await gzip(result));
  const chunk = (Math.floor((PART_CHARS - 200) / 77) * 57 * 4) / 3; // whole lines of base64
  const parts: string[] = [];
  for (let i = 0; i < encoded.length; i += chunk) parts.push(encoded.slice(i, i + chunk));
  const texts = parts.map((p, i) =>
    [
      `sealbox box result (gzip), part ${i + 1} of ${parts.length}:`,
      '',
      '```sealbox-result-gzip',
      ...(p.match(/.{1,76}/g) ?? []),
      '```',
      '',
    ].join('\n'),
  );
  const last = texts.length - 1;
  if (texts[last]!.length + bundleBlock.length + 2 <= PART_CHARS)
    texts[last] = `${texts[last]}\n${bundleBlock}\n`;
  else texts.push(['sealbox box result bundle:', '', bundleBlock, ''].join('\n'));
  return texts;
}

/** The result as one text (a file, or a comment when it fits). */
export function resultText(result: Uint8Array, bundle: unknown): string {
  return [
    'sealbox box result:',
    '',
    fence('sealbox-result', result),
    '',
    fence('sealbox-result-bundle', new TextEncoder().encode(JSON.stringify(bundle))),
    '',
  ].join('\n');
}

export function parseResultText(text: string): { result: Uint8Array; bundle: unknown } | undefined {
  const result = block(text, 'sealbox-result');
  const bundle = jsonBlock(text, 'sealbox-result-bundle');
  if (!result || bundle === undefined) return undefined;
  return { result, bundle };
}
