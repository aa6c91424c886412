// The ceremony, in one process (docs/spec/sealed-box-v1.1.md, "Collecting and
// closing"): open the issue, attest the manifest naming it, collect, close,
// list until two listings agree, compute, attest the result. Portable: the
// bus, the attestation and the clock are injected. The box's private key
// lives only in this function's scope: never serialized, written, logged or
// put in an error message.
import { describe } from '../errors.ts';
import { sha256Hex } from '../bytes.ts';
import { compute, type ComputeInput } from './compute/index.ts';
import type { BoxBus } from './bus.ts';
import {
  agreementKey,
  armourOf,
  classify,
  earlyCloseAt,
  isArmoured,
  mayBeJudged,
  type BusComment,
  type Classified,
  type CloseContext,
  type RejectReason,
} from './close-rules.ts';
import { generateBoxKeyPair, type BoxKeyPair, type SuiteName } from './hpke.ts';
import { hpkeFields, manifestBytes, MANIFEST_VERSION, type Manifest } from './manifest.ts';
import { buildResult, resultBytes, type BoxResult } from './result.ts';
import type { EmitEvent } from './events.ts';
import {
  sealReplies,
  takeReplies,
  usableReplyKey,
  type ReplyRecipient,
  type SealedReply,
} from './replies.ts';
import { boxJudge, submissionSignatures } from './sealing.ts';
import { SeenComments } from './seen-comments.ts';
import { formatTime, windowFrom } from './times.ts';

const te = new TextEncoder();

export interface Attested {
  bundle: unknown;
  /** The bundle's signed times (ISO): log integrated times under a promise, RFC 3161 times. */
  signedTimes: string[];
}

export interface HostDeps {
  bus: BoxBus;
  attest(bytes: Uint8Array, name: 'manifest.json' | 'result.json'): Promise<Attested>;
  now(): Date;
  sleep(ms: number): Promise<void>;
  log?(line: string): void;
  /** Runs the `exec` computation (the Node adapter sandboxes it); absent where it cannot run. */
  exec?(inputs: ComputeInput[], parameters: Record<string, unknown>): Promise<unknown>;
  /**
   * How the box key is made (default: a fresh @hpke key pair; on Node, one
   * node:crypto opens with); tests use it to watch for leaks.
   */
  generateKey?: (suite: SuiteName) => Promise<BoxKeyPair>;
  /** Randomness for the computation (the ceremony's seed) and reply salts (default: the platform's CSPRNG). */
  randomBytes?(n: number): Uint8Array;
  /** What happened, for programs watching (`--events jsonl`). */
  event?: EmitEvent;
}

export interface BoxConfig {
  boxId: string;
  suite: SuiteName;
  windowSeconds: number;
  rules: Omit<Manifest['rules'], 'signed_submissions'> & { signed_submissions?: boolean };
  computation: Manifest['computation'];
  run: Manifest['run'];
  pollMs?: number;
  /** Wait after the close before the final listings. */
  settleMs?: number;
  /** Final listings at most, before the box gives up and aborts (at least 5). */
  listings?: number;
}

export interface HostedBox {
  manifest: Uint8Array;
  manifestBundle: unknown;
  result: Uint8Array;
  resultBundle: unknown;
  parsedResult: BoxResult;
}

export async function hostBox(deps: HostDeps, config: BoxConfig): Promise<HostedBox> {
  const log = deps.log ?? (() => {});
  const emit = deps.event ?? (() => {});
  const randomBytes = deps.randomBytes ?? ((n) => crypto.getRandomValues(new Uint8Array(n)));
  const key = await (deps.generateKey ?? generateBoxKeyPair)(config.suite);
  // The issue first: the manifest names it and who posts as the box.
  const bus = await deps.bus.open(config.boxId);
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    box_id: config.boxId,
    hpke: hpkeFields(config.suite, key.publicKey),
    window_seconds: config.windowSeconds,
    bus,
    rules: { ...config.rules, signed_submissions: config.rules.signed_submissions ?? false },
    computation: config.computation,
    run: config.run,
  };
  if (manifest.rules.signed_submissions && !deps.bus.signingKeys)
    throw new Error('signed submissions need a bus that lists SSH signing keys');
  // Over max_bytes a comment can only be rejected: the bus may keep its digests, not its body.
  deps.bus.keepBodiesUpTo?.(manifest.rules.max_bytes);
  const mBytes = manifestBytes(manifest);
  const digest = await sha256Hex(mBytes);
  const mAttested = await deps.attest(mBytes, 'manifest.json');
  log(`manifest attested (digest ${digest.slice(0, 12)}...)`);
  // The window opens at the attestation's signed time, as every verifier computes it.
  const window = windowFrom(mAttested.signedTimes, config.windowSeconds);
  if (!window) throw new Error("the manifest's attestation carries no signed time");
  const opensAt = window.opensAt;
  const closesAt = window.closesAt;
  let closedAt: number;
  let status: BoxResult['status'] = 'complete';
  let reason: string | undefined;
  let records: BoxResult['submissions'] = [];
  let output: unknown = null;
  let replies: SealedReply[] = [];
  const now = () => deps.now().getTime();
  try {
    await deps.bus.announce({
      boxId: config.boxId,
      manifest: mBytes,
      manifestBundle: mAttested.bundle,
      opensAt: formatTime(opensAt),
      closesAt: formatTime(closesAt),
    });
    log(`box open on ${bus.address} from ${formatTime(opensAt)} to ${formatTime(closesAt)}`);
    emit({
      event: 'opened',
      box: bus.address,
      box_id: config.boxId,
      manifest_digest: digest,
      computation: config.computation.name,
      opens_at: formatTime(opensAt),
      closes_at: formatTime(closesAt),
    });
    // A comment is judged when first seen, then the bus may keep only its digests
    // (a box requiring signatures keeps bodies: a signature is checked at the close).
    const release =
      deps.bus.release && !manifest.rules.signed_submissions
        ? async (c: BusComment, ciphertextSha256: string) => {
            if (mayBeJudged(c, manifest.rules, opensAt, closesAt))
              await judge(c, armourOf(c), ciphertextSha256);
            await deps.bus.release!(c, ciphertextSha256);
          }
        : undefined;
    // Every armoured comment seen, and what the judge found in it (the judge's
    // memo); emptied once the computation has its inputs.
    const seen = new SeenComments(
      (c) =>
        emit({
          event: 'submitted',
          box: bus.address,
          comment_id: c.id,
          author_login: c.author_login,
          created_at: c.created_at,
        }),
      release,
    );
    const judge = boxJudge(
      manifest,
      digest,
      key,
      seen,
      manifest.rules.signed_submissions
        ? submissionSignatures(manifest, digest, (login, id) => deps.bus.signingKeys!(login, id))
        : undefined,
    );
    const ctx = (closed: number): CloseContext => ({
      rules: manifest.rules,
      opensAt,
      closedAt: closed,
      judge,
    });
    let final: Classified;
    // Comments a final listing rejected for good (edited, deleted, ...): they never fill the box again.
    const refuted = new Set<number>();
    for (;;) {
      const early = await collect(
        deps,
        manifest,
        ctx,
        seen,
        refuted,
        opensAt,
        closesAt,
        config.pollMs,
      );
      closedAt = early ?? closesAt;
      // Wait for closed_at (an early close falls a second after the filling
      // comment, possibly still ahead), so the result is attested after it.
      await deps.sleep(Math.max(0, closedAt - now()) + (config.settleMs ?? 0));
      await deps.bus
        .lock?.()
        .catch((e: unknown) => log(`locking the issue failed: ${describe(e)}`));
      final = await agreedListing(deps, ctx(closedAt), seen, config.listings ?? 6);
      if (early === undefined || final.accepted.length === manifest.rules.max_submissions) break;
      // The box was not full after all (a filling comment was edited or
      // deleted): nothing about closed_at is published yet, so collect on.
      log(`the box is not full after all (${final.accepted.length} accepted): collecting on`);
      for (const r of final.records)
        if (r.status === 'deleted' || (r.reason && PERMANENT.has(r.reason)))
          refuted.add(r.comment_id);
      await deps.bus.unlock?.().catch((e: unknown) => log(`unlocking failed: ${describe(e)}`));
    }
    records = final.records;
    seen.clear();
    // Reply keys the suite can seal to: their submissions get a reply (and may be ceremony recipients).
    const recipients: ReplyRecipient[] = [];
    const inputs: ComputeInput[] = [];
    for (const a of final.accepted) {
      const replyKey = await usableReplyKey(manifest.hpke.suite, a.plaintext.reply_public_key);
      if (replyKey) recipients.push({ submission: a.record, key: replyKey });
      inputs.push({
        author_id: a.record.author_id,
        author_login: a.record.author_login,
        comment_id: a.record.comment_id,
        message: a.plaintext.message,
        reply_key: Boolean(replyKey),
      });
    }
    const { name, parameters } = manifest.computation;
    if (name === 'exec') {
      if (!deps.exec) throw new Error('the exec computation cannot run here');
      // The operator's code: treated as not revealing inputs, so min_participants applies.
      output =
        inputs.length < manifest.rules.min_participants
          ? {
              withheld: true,
              reason: `fewer than min_participants (${manifest.rules.min_participants}) submissions were accepted`,
            }
          : await deps.exec(
              inputs.map(({ reply_key: _, ...input }) => input),
              parameters,
            );
    } else {
      // The ceremony's key is made from these bytes: they live in this scope only.
      const seed = randomBytes(32);
      try {
        output = compute(name, parameters, inputs, manifest.rules.min_participants, { seed });
      } finally {
        seed.fill(0);
      }
    }
    const taken = takeReplies(output, inputs);
    output = taken.output;
    replies = await sealReplies(
      manifest.hpke.suite,
      { box_id: config.boxId, manifest_digest: digest },
      recipients,
      taken.replies,
      randomBytes,
    );
    log(`closed: ${final.accepted.length} accepted of ${records.length} armoured comments`);
  } catch (e) {
    status = 'aborted';
    reason = describe(e);
    // The ceremony ended now (never before opens_at): the result is attested after it.
    closedAt = Math.max(opensAt, Math.min(closesAt, Math.floor(now() / 1000) * 1000));
    await deps.sleep(Math.max(0, closedAt - now()));
    log(`ceremony failed after the manifest was attested: ${reason}`);
  }
  const result = buildResult({
    box_id: config.boxId,
    manifest_digest: digest,
    opens_at: formatTime(opensAt),
    closes_at: formatTime(closesAt),
    closed_at: formatTime(closedAt),
    status,
    ...(reason ? { reason } : {}),
    submissions: records,
    output,
    ...(replies.length ? { replies } : {}),
  });
  const rBytes = resultBytes(result);
  // If attesting fails here, nothing unattested is published: the error propagates.
  const rAttested = await deps.attest(rBytes, 'result.json');
  await deps.bus.publishResult(rBytes, rAttested.bundle);
  await deps.bus.close();
  emit({
    event: 'closed',
    box: bus.address,
    status,
    closed_at: formatTime(closedAt),
    accepted: result.counts.accepted,
    rejected: result.counts.rejected,
    result_posted: true,
  });
  log('result attested and published; the key is dropped');
  return {
    manifest: mBytes,
    manifestBundle: mAttested.bundle,
    result: rBytes,
    resultBundle: rAttested.bundle,
    parsedResult: result,
  };
}

/** Reasons a comment keeps whatever happens later (an edit makes it `edited`, for good). */
const PERMANENT = new Set<RejectReason>([
  'edited',
  'not_allowed',
  'too_large',
  'malformed',
  'bad_signature',
  'undecryptable',
]);

/**
 * Polls until closes_at. Under first-per-author, returns closed_at as soon as
 * the comments seen fill the box (a second after the filling comment); else
 * undefined. Polls fall on opens_at + k * pollMs, the last exactly at closes_at.
 */
async function collect(
  deps: HostDeps,
  manifest: Manifest,
  ctx: (closed: number) => CloseContext,
  seen: SeenComments,
  refuted: Set<number>,
  opensAt: number,
  closesAt: number,
  pollMs = 500,
): Promise<number | undefined> {
  const now = () => deps.now().getTime();
  let next = opensAt + pollMs;
  while (now() < closesAt) {
    while (next <= now()) next += pollMs;
    await deps.sleep(Math.max(0, Math.min(next, closesAt) - now()));
    const closedAt = await pollOnce(deps, manifest, ctx, seen, refuted, closesAt);
    if (closedAt !== undefined) return closedAt;
  }
  return undefined;
}

/**
 * One poll: what it read goes to `seen`; closed_at when the box is full. A
 * function of its own, so that what a poll read (every armoured comment seen)
 * is not kept while the box waits: a suspended async function may keep a
 * variable of its loop's last turn.
 */
async function pollOnce(
  deps: HostDeps,
  manifest: Manifest,
  ctx: (closed: number) => CloseContext,
  seen: SeenComments,
  refuted: Set<number>,
  closesAt: number,
): Promise<number | undefined> {
  const polled = await (deps.bus.poll ? deps.bus.poll() : deps.bus.comments());
  await seen.add(polled);
  const armoured = polled.filter(isArmoured).length;
  // Once closed, the result is the status.
  if (deps.now().getTime() < closesAt)
    await deps.bus.status?.(`${armoured} submissions so far; closes at ${formatTime(closesAt)}`);
  if (manifest.rules.one_per_author !== 'first') return undefined;
  // Full only if there are at least as many armoured comments as places.
  if (armoured < manifest.rules.max_submissions) return undefined;
  let candidates = polled.filter((c) => !refuted.has(c.id));
  if (earlyCloseAt(manifest.rules, await classify(candidates, ctx(closesAt))) === undefined)
    return undefined;
  // Full by the polls: GitHub's edit record must agree before the box closes
  // (an edit within a comment's creation second shows nowhere else).
  const edits = await deps.bus.editRecords?.().catch(() => undefined);
  if (deps.bus.editRecords && !edits) return undefined;
  if (edits) candidates = candidates.map((c) => ({ ...c, editRecord: edits.get(c.id) }));
  const closedAt = earlyCloseAt(manifest.rules, await classify(candidates, ctx(closesAt)));
  if (closedAt !== undefined) deps.log?.(`box full: closing early at ${formatTime(closedAt)}`);
  return closedAt;
}

/**
 * Lists every comment until two consecutive complete listings agree on the
 * comments created before closed_at and their statuses; the box aborts when
 * none do within `attempts` listings.
 */
async function agreedListing(
  deps: HostDeps,
  ctx: CloseContext,
  seen: SeenComments,
  attempts: number,
): Promise<Classified> {
  let previous: string | undefined;
  let lastError = 'no listing was complete';
  for (let i = 0; i < Math.max(5, attempts); i++) {
    const listed = await listingAttempt(deps, ctx, seen, i, previous);
    if (listed.agreed) return listed.agreed;
    previous = listed.key;
    lastError = listed.error;
  }
  throw new Error(`the final listing could not be confirmed: ${lastError}`);
}

/**
 * The i-th final listing (after a wait, but the first), classified: agreed
 * when its key is `previous`; else its key (the digest of agreementKey: a
 * flood's key is long) or the reason it has none. A function of its own, so
 * that a listing is not kept while the box waits for the next.
 */
async function listingAttempt(
  deps: HostDeps,
  ctx: CloseContext,
  seen: SeenComments,
  i: number,
  previous: string | undefined,
): Promise<{ agreed?: Classified; key?: string; error: string }> {
  if (i > 0) await deps.sleep(Math.min(8000, 500 * 2 ** (i - 1)));
  let listing: BusComment[];
  try {
    listing = await finalListing(deps.bus);
  } catch (e) {
    return { error: describe(e) };
  }
  await seen.add(listing);
  const classified = await classify(listing, ctx, seen.values());
  const key = await sha256Hex(te.encode(agreementKey(classified.records, ctx.closedAt)));
  if (key === previous) return { agreed: classified, error: '' };
  return { key, error: 'two consecutive listings did not agree' };
}

/** Every comment, completely, with its edit record where the bus keeps them. */
async function finalListing(bus: BoxBus): Promise<BusComment[]> {
  if (bus.commentsWithEditRecords) return bus.commentsWithEditRecords();
  const listing = await bus.comments();
  const edits = await bus.editRecords?.();
  return edits ? listing.map((c) => ({ ...c, editRecord: edits.get(c.id) })) : listing;
}
