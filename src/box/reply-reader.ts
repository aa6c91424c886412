// A participant's side of a private reply (docs/spec/replies-v1.1.md,
// "Reading a reply"): in a box that verified, find the reply addressed to
// their submission, open it with their reply key, check it against its
// commitment and, for a key ceremony, check the share against the box's
// commitments. Shared by `box reply` and the web page. Portable; it throws
// only on the reader's own inputs (a key for another box), never on the
// result's contents.
import { failed, passed, type Check } from '../check.ts';
import { toHex } from '../bytes.ts';
import { SealboxError } from '../errors.ts';
import { shareMatches } from './ceremony/shares.ts';
import { MANIFEST_VERSION_V1, type AnyManifest } from './manifest.ts';
import { openReply, type OpenedReply, type SealedReply } from './replies.ts';
import type { ReplyKey } from './reply-key.ts';
import { REPLY_DOCUMENT_VERSION, type CeremonyPart, type ReplyDocument } from './reply-document.ts';
import type { BoxResult } from './result.ts';

/** The verified box a reply is read from. */
export interface VerifiedBox {
  manifest: AnyManifest;
  manifestDigest: string;
  result: BoxResult;
  /** OWNER/REPO#N, when read from GitHub. */
  address?: string;
}

export interface ReplyReading {
  ok: boolean;
  /** `reply`, then `share` for a key ceremony's recipient. */
  checks: Check[];
  /** The reply as the participant keeps it (when it opened and matched its commitment). */
  document?: ReplyDocument;
}

const WHY: Record<Exclude<OpenedReply, { ok: true }>['reason'], string> = {
  armour: 'its armour is not a reply of this suite',
  undecryptable: 'it does not open with this reply key',
  size_not_bucket: 'its plaintext is not padded to a reply bucket',
  length_out_of_range: 'its length field is out of range',
  wrong_bucket: 'it is padded to the wrong bucket',
  nonzero_padding: 'its padding is not zeros',
  message_not_utf8: 'its text is not UTF-8',
  commitment:
    "it does not match its commitment in the attested result: the box's record of what it said is not what it said",
};

const fail = (code: 'REPLY' | 'SHARE', name: string, reason: string): ReplyReading => ({
  ok: false,
  checks: [failed(name, code, reason)],
});

/** Refuses (INPUT_INVALID) a reply key made for another box. */
export function checkKeyIsFor(key: ReplyKey, manifest: AnyManifest, manifestDigest: string): void {
  if (key.file.box_id !== manifest.box_id)
    throw new SealboxError(
      'INPUT_INVALID',
      `reply key: is for box ${key.file.box_id}, not box ${manifest.box_id}`,
    );
  if (key.file.manifest_digest !== manifestDigest)
    throw new SealboxError(
      'INPUT_INVALID',
      `reply key: is for another manifest of box ${manifest.box_id} (sha256 ${key.file.manifest_digest.slice(0, 12)}...)`,
    );
}

/**
 * Opens the reply to the key's submission. `commentId` (from a receipt)
 * names it; else the key file's; else every reply is tried.
 */
export async function readReply(
  box: VerifiedBox,
  key: ReplyKey,
  commentId?: number,
): Promise<ReplyReading> {
  const { manifest, result } = box;
  checkKeyIsFor(key, manifest, box.manifestDigest);
  if (manifest.version === MANIFEST_VERSION_V1)
    throw new SealboxError(
      'INPUT_INVALID',
      `box ${manifest.box_id}: a v1 box, whose replies have no commitments: not read`,
    );
  if (key.file.suite !== manifest.hpke.suite)
    throw new SealboxError(
      'INPUT_INVALID',
      `reply key: an ${key.file.suite} key, the box uses ${manifest.hpke.suite}`,
    );
  if (result.status !== 'complete')
    return fail('REPLY', 'reply', `the box ${result.status}: it sent no replies`);
  // A v1.1 result's schema requires a commitment on every reply.
  const replies = (result.replies ?? []) as SealedReply[];
  const boxRef = { box_id: manifest.box_id, manifest_digest: box.manifestDigest };
  const wanted = commentId ?? key.file.comment_id;
  let found: { reply: SealedReply; opened: OpenedReply } | undefined;
  if (wanted !== undefined) {
    const s = result.submissions.find((x) => x.comment_id === wanted);
    if (!s) return fail('REPLY', 'reply', `comment ${wanted} is not in the result`);
    if (s.status !== 'accepted')
      return fail(
        'REPLY',
        'reply',
        `comment ${wanted} is ${s.status}${s.reason ? ` (${s.reason})` : ''}: no reply`,
      );
    const reply = replies.find((r) => r.comment_id === wanted);
    if (!reply)
      return fail(
        'REPLY',
        'reply',
        `the result has no reply to comment ${wanted} (did the submission carry a reply key?)`,
      );
    found = { reply, opened: await openReply(key.keyPair, boxRef, s, reply) };
  } else {
    for (const reply of replies) {
      const s = result.submissions.find((x) => x.comment_id === reply.comment_id);
      if (!s) continue;
      const opened = await openReply(key.keyPair, boxRef, s, reply);
      if (opened.ok || opened.reason !== 'undecryptable') {
        found = { reply, opened };
        break;
      }
    }
    if (!found)
      return fail(
        'REPLY',
        'reply',
        `none of the result's ${replies.length} replies opens with this reply key`,
      );
  }
  const { reply, opened } = found;
  if (!opened.ok)
    return fail(
      'REPLY',
      'reply',
      `the reply to comment ${reply.comment_id}: ${WHY[opened.reason]}`,
    );
  const document: ReplyDocument = {
    version: REPLY_DOCUMENT_VERSION,
    ...(box.address ? { box: box.address } : {}),
    box_id: manifest.box_id,
    manifest_digest: box.manifestDigest,
    comment_id: reply.comment_id,
    message: opened.message,
    salt: toHex(opened.salt),
    commitment: opened.commitment,
  };
  const checks: Check[] = [
    passed(
      'reply',
      `the reply to comment ${reply.comment_id} opened and matches its commitment in the attested result`,
    ),
  ];
  const ceremony = ceremonyPart(box, reply.comment_id, opened.message);
  if (ceremony === 'not-a-share')
    return {
      ok: false,
      checks: [
        ...checks,
        failed(
          'share',
          'SHARE',
          `the reply to comment ${reply.comment_id} is not a share of the ceremony's key`,
        ),
      ],
    };
  if (ceremony) {
    if (!shareMatches(ceremony.index, ceremony.share, ceremony.commitments))
      return {
        ok: false,
        checks: [
          ...checks,
          failed(
            'share',
            'SHARE',
            `share ${ceremony.index} does not match the ceremony's commitments`,
          ),
        ],
      };
    checks.push(
      passed(
        'share',
        `share ${ceremony.index} of ${ceremony.shares} matches the ceremony's commitments: any ${ceremony.threshold} shares recombine the key`,
      ),
    );
    document.ceremony = ceremony;
  }
  return { ok: true, checks, document };
}

/** The share a ceremony's recipient was sent; undefined for anyone else (or when no key was made). */
function ceremonyPart(
  box: VerifiedBox,
  commentId: number,
  message: string,
): CeremonyPart | 'not-a-share' | undefined {
  if (box.manifest.computation.name !== 'ceremony') return undefined;
  const out = box.result.output as {
    withheld?: unknown;
    threshold?: number;
    recipients?: { index: number; comment_id: number }[];
    public_key?: CeremonyPart['public_key'];
    commitments?: string[];
  };
  if (!out || out.withheld === true || !Array.isArray(out.recipients)) return undefined;
  const me = out.recipients.find((r) => r?.comment_id === commentId);
  if (!me) return undefined;
  let sent: { index?: unknown; share?: unknown };
  try {
    sent = JSON.parse(message) as typeof sent;
  } catch {
    return 'not-a-share';
  }
  if (sent?.index !== me.index || typeof sent.share !== 'string') return 'not-a-share';
  return {
    threshold: out.threshold!,
    shares: out.recipients.length,
    index: me.index,
    share: sent.share,
    public_key: out.public_key!,
    commitments: out.commitments!,
  };
}
