// The bus a box talks over: one interface, adapters elsewhere (GitHub issue,
// and in tests an in-memory one). Portable.
import type { BusComment } from './submissions.ts';
import { fromBase64, toBase64 } from '../bytes.ts';
import { gunzip, gzip } from './gzip.ts';

export interface Announcement {
  boxId: string;
  manifest: Uint8Array;
  manifestBundle: unknown;
  opensAt: string;
  closesAt: string;
}

export interface BoxBus {
  /** Where participants find the box (e.g. OWNER/REPO#N). */
  readonly address: string;
  announce(a: Announcement): Promise<void>;
  /** Every comment, completely (all pages). */
  comments(): Promise<BusComment[]>;
  /** A cheaper read while the box is open (incremental); defaults to comments(). */
  poll?(): Promise<BusComment[]>;
  /** A short public status (count so far, closing time), updated in place. */
  status?(text: string): Promise<void>;
  publishResult(result: Uint8Array, bundle: unknown): Promise<void>;
  close(): Promise<void>;
}

const fence = (tag: string, bytes: Uint8Array) =>
  ['```' + tag, ...(toBase64(bytes).match(/.{1,76}/g) ?? []), '```'].join('\n');

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

function block(text: string, tag: string): Uint8Array | undefined {
  const m = new RegExp('```' + tag + '\\s*\\n([A-Za-z0-9+/=\\s]*?)```').exec(text);
  if (!m) return undefined;
  try {
    return fromBase64(m[1]!);
  } catch {
    return undefined; // not base64: not a block of ours
  }
}

/** A fenced block holding JSON; undefined when absent or not JSON (a comment, not a result). */
function jsonBlock(text: string, tag: string): unknown {
  const bytes = block(text, tag);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

export function parseAnnouncement(text: string): Announcement | undefined {
  const manifest = block(text, 'sealbox-manifest');
  const bundle = block(text, 'sealbox-manifest-bundle');
  const opensAt = /^opens_at: (\S+)$/m.exec(text)?.[1];
  const closesAt = /^closes_at: (\S+)$/m.exec(text)?.[1];
  const boxId = /sealbox box `([^`]+)`/.exec(text)?.[1];
  if (!manifest || !bundle || !opensAt || !closesAt || !boxId) return undefined;
  try {
    return {
      boxId,
      manifest,
      manifestBundle: JSON.parse(new TextDecoder().decode(bundle)),
      opensAt,
      closesAt,
    };
  } catch {
    return undefined;
  }
}

/** GitHub holds at most 65,536 characters in a comment; parts stay well under it. */
const PART_CHARS = 60_000;

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
  const whole = [
    'sealbox box result:',
    '',
    fence('sealbox-result', result),
    '',
    bundleBlock,
    '',
  ].join('\n');
  if (whole.length <= PART_CHARS) return [whole];
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

/** The result as one text (a file, where no size limit applies). */
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

/**
 * Reads a result back from the bus's comments, whole or in gzip parts (the
 * last result posted wins). Parts must come in order, 1 to N, each once.
 */
export async function parseResultComments(
  bodies: string[],
): Promise<{ result: Uint8Array; bundle: unknown } | undefined> {
  let found: { result: Uint8Array; bundle: unknown } | undefined;
  let parts: string[] = [];
  let total = 0;
  for (const body of bodies) {
    const whole = parseResultText(body);
    if (whole) {
      found = whole;
      parts = [];
      continue;
    }
    const part = /^sealbox box result \(gzip\), part (\d+) of (\d+):/.exec(body);
    if (part) {
      if (part[1] === '1') {
        parts = [];
        total = Number(part[2]);
      }
      if (Number(part[1]) !== parts.length + 1 || Number(part[2]) !== total) {
        parts = [];
        continue;
      }
      parts.push(
        /```sealbox-result-gzip\s*\n([A-Za-z0-9+/=\s]*?)```/.exec(body)?.[1]?.replace(/\s+/g, '') ??
          '',
      );
    }
    const bundle = jsonBlock(body, 'sealbox-result-bundle');
    if (bundle !== undefined && total && parts.length === total && !block(body, 'sealbox-result')) {
      let gz: Uint8Array | undefined;
      try {
        gz = fromBase64(parts.join(''));
      } catch {
        gz = undefined;
      }
      if (gz) found = { result: await gunzip(gz), bundle };
      parts = [];
      total = 0;
    }
  }
  return found;
}

export function parseResultText(text: string): { result: Uint8Array; bundle: unknown } | undefined {
  const result = block(text, 'sealbox-result');
  const bundle = jsonBlock(text, 'sealbox-result-bundle');
  if (!result || bundle === undefined) return undefined;
  return { result, bundle };
}
