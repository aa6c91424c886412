// The ceremony, in one process: open, collect, close, compute, result.
// Portable: the bus, the attestation and the clock are injected. The box's
// private key lives only in this function's scope: never serialized, written,
// logged or put in an error message.
import { describe } from '../errors.ts';
import { compute, type ComputeInput } from './compute/index.ts';
import type { BoxBus } from './bus.ts';
import { generateBoxKeyPair, type SuiteName } from './hpke.ts';
import { hpkeFields, manifestBytes, type Manifest } from './manifest.ts';
import { buildResult, resultBytes, type BoxResult } from './result.ts';
import { sealReplies, takeReplies, type SealedReply } from './replies.ts';
import { classify, findArmour, sha256Hex } from './submissions.ts';

export interface Attested {
  bundle: unknown;
  /** When the log (or TSA) says the attestation happened. */
  time: Date;
}

export interface HostDeps {
  bus: BoxBus;
  attest(bytes: Uint8Array, name: 'manifest.json' | 'result.json'): Promise<Attested>;
  now(): Date;
  sleep(ms: number): Promise<void>;
  log?(line: string): void;
  /** Runs the `exec` computation (the Node adapter sandboxes it); absent where it cannot run. */
  exec?(inputs: ComputeInput[], parameters: Record<string, unknown>): Promise<unknown>;
  /** How the box key is made (default: a fresh HPKE key pair); tests use it to watch for leaks. */
  generateKey?: typeof generateBoxKeyPair;
}

export interface BoxConfig {
  boxId: string;
  suite: SuiteName;
  windowSeconds: number;
  rules: Manifest['rules'];
  computation: Manifest['computation'];
  run: Manifest['run'];
  pollMs?: number;
  /** Wait after the close before the final, complete listing. */
  settleMs?: number;
}

export interface HostedBox {
  manifest: Uint8Array;
  manifestBundle: unknown;
  result: Uint8Array;
  resultBundle: unknown;
  parsedResult: BoxResult;
}

const ceilSecond = (d: Date) => new Date(Math.ceil(d.getTime() / 1000) * 1000);
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function hostBox(deps: HostDeps, config: BoxConfig): Promise<HostedBox> {
  const log = deps.log ?? (() => {});
  const key = await (deps.generateKey ?? generateBoxKeyPair)(config.suite);
  const manifest: Manifest = {
    version: 'sealbox-box/v1',
    box_id: config.boxId,
    hpke: hpkeFields(config.suite, key.publicKey),
    window_seconds: config.windowSeconds,
    bus: { kind: 'github-issue', address: deps.bus.address },
    rules: config.rules,
    computation: config.computation,
    run: config.run,
  };
  const mBytes = manifestBytes(manifest);
  const digest = await sha256Hex(mBytes);
  const mAttested = await deps.attest(mBytes, 'manifest.json');
  log(`manifest attested (digest ${digest.slice(0, 12)}...)`);
  // Only after the attestation exists does the window open.
  const opensAt = ceilSecond(new Date(Math.max(deps.now().getTime(), mAttested.time.getTime())));
  const closesAt = new Date(opensAt.getTime() + config.windowSeconds * 1000);
  let closedAt = closesAt;
  let status: BoxResult['status'] = 'complete';
  let reason: string | undefined;
  let records: BoxResult['submissions'] = [];
  let output: unknown = null;
  let replies: SealedReply[] = [];
  try {
    await deps.bus.announce({
      boxId: config.boxId,
      manifest: mBytes,
      manifestBundle: mAttested.bundle,
      opensAt: iso(opensAt),
      closesAt: iso(closesAt),
    });
    log(`box open on ${deps.bus.address} from ${iso(opensAt)} to ${iso(closesAt)}`);
    const opened = new Map<string, Uint8Array | null>();
    const ctx = (closed: Date) => ({
      manifest,
      manifestDigest: digest,
      opensAt: iso(opensAt),
      closedAt: iso(closed),
      box: key,
      opened,
    });
    // Collect: poll; under first-per-author, close early once the box is full.
    // Polls fall on opens_at + k * pollMs, the last exactly at closes_at.
    const every = config.pollMs ?? 500;
    let next = opensAt.getTime() + every;
    while (deps.now() < closesAt) {
      while (next <= deps.now().getTime()) next += every;
      await deps.sleep(Math.max(0, Math.min(next, closesAt.getTime()) - deps.now().getTime()));
      const polled = await (deps.bus.poll ? deps.bus.poll() : deps.bus.comments());
      const armouredSoFar = polled.filter((c) => findArmour(c.body) !== undefined).length;
      // Once closed, the result is the status.
      if (deps.now() < closesAt)
        await deps.bus.status?.(`${armouredSoFar} submissions so far; closes at ${iso(closesAt)}`);
      if (manifest.rules.one_per_author !== 'first') continue;
      // Full only if there are at least as many armoured comments as places.
      if (armouredSoFar < manifest.rules.max_submissions) continue;
      const seen = await classify(polled, ctx(closesAt));
      if (seen.accepted.length >= manifest.rules.max_submissions) {
        const filler = seen.accepted[manifest.rules.max_submissions - 1]!.record;
        closedAt = new Date(Date.parse(filler.created_at) + 1000);
        log(`box full: closed early at ${iso(closedAt)}`);
        break;
      }
    }
    // An early close falls a second after the filling comment, possibly still
    // ahead: wait for it, so that the result is attested after closed_at.
    await deps.sleep(
      Math.max(0, closedAt.getTime() - deps.now().getTime()) + (config.settleMs ?? 0),
    );
    const final = await classify(await deps.bus.comments(), ctx(closedAt));
    records = final.records;
    const inputs: ComputeInput[] = final.accepted.map((a) => ({
      author_id: a.record.author_id,
      author_login: a.record.author_login,
      comment_id: a.record.comment_id,
      message: a.plaintext.message,
    }));
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
          : await deps.exec(inputs, parameters);
    } else {
      output = compute(name, parameters, inputs, manifest.rules.min_participants);
    }
    const taken = takeReplies(output, inputs);
    output = taken.output;
    replies = await sealReplies(
      manifest.hpke.suite,
      digest,
      config.boxId,
      final.accepted,
      taken.replies,
    );
    log(`closed: ${final.accepted.length} accepted of ${records.length} armoured comments`);
  } catch (e) {
    status = 'aborted';
    reason = describe(e);
    // The ceremony ended now: the result is attested after it, never before.
    closedAt = new Date(
      Math.min(closesAt.getTime(), Math.floor(deps.now().getTime() / 1000) * 1000),
    );
    log(`ceremony failed after the manifest was attested: ${reason}`);
  }
  const result = buildResult({
    box_id: config.boxId,
    manifest_digest: digest,
    opens_at: iso(opensAt),
    closes_at: iso(closesAt),
    closed_at: iso(closedAt),
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
  log('result attested and published; the key is dropped');
  return {
    manifest: mBytes,
    manifestBundle: mAttested.bundle,
    result: rBytes,
    resultBundle: rAttested.bundle,
    parsedResult: result,
  };
}
