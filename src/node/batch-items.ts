// One batch item's verification: the same function serves one-by-one
// verification, the pool's workers (batch-worker.ts) and the thread that
// runs the pool, so verdicts cannot differ.
import { SealboxError, isSealboxError } from '../errors.ts';
import { digestOnlyLimitation, parseBundleText } from '../sigstore/bundle.ts';
import { parseTrustedRootText, type LoadedTrustedRoot } from '../sigstore/trusted-root.ts';
import { verifyBundles, type VerifyOptions } from '../sigstore/verify-bundle.ts';
import { parseEnvelope } from '../envelope/envelope.ts';
import {
  verifyEnvelope,
  type EnvelopeTrust,
  type EnvelopeVerification,
} from '../envelope/verify.ts';
import type {
  AnyWorkerInit,
  BatchItem,
  BatchResult,
  EnvelopeWorkerInit,
  WorkerInit,
} from './batch.ts';
import { readTextFile } from './files.ts';
import { resolveArtifact } from './files.ts';
import { SigstoreSignatureVerifier } from '../adapters/sigstore-verifier.ts';
import { defaultTrustedRoots } from './trusted-roots.ts';
import { nodeEnvelopeCrypto } from './envelope-crypto.ts';

export interface ItemContext {
  init: WorkerInit;
  options: VerifyOptions;
}

// Without --trusted-root, the same choice as one-by-one verification: per
// instance, the cached root or the embedded snapshot.
function rootsOf(init: AnyWorkerInit): LoadedTrustedRoot[] {
  return init.trustedRootText
    ? parseTrustedRootText(init.trustedRootText, init.trustedRootSource ?? 'trusted root')
    : defaultTrustedRoots().roots;
}

export function itemContext(init: WorkerInit): ItemContext {
  const trustedRoots = rootsOf(init);
  return {
    init,
    options: {
      trustedRoots,
      verifier: new SigstoreSignatureVerifier(),
      publicKey: init.publicKey,
      requireTlog: init.requireTlog,
      predicateType: init.predicateType,
    },
  };
}

export async function verifyItem(item: BatchItem, ctx: ItemContext): Promise<BatchResult> {
  try {
    const bundles = parseBundleText(item.bundle, item.label);
    const artifact = await resolveArtifact(item.artifact);
    const limitation = digestOnlyLimitation(bundles, artifact);
    if (limitation) throw new SealboxError('UNSUPPORTED', limitation);
    const result = await verifyBundles(bundles, artifact, ctx.init.policy, ctx.options);
    return { label: item.label, ok: result.ok, checks: result.checks };
  } catch (e) {
    if (!isSealboxError(e)) throw e;
    return { label: item.label, ok: false, checks: [], error: e.message };
  }
}

/** An envelope file to verify. */
export interface EnvelopeItem {
  label: string;
  path: string;
  /** The envelope's text when it was not a file (standard input). */
  text?: string;
}

export type EnvelopeResult = EnvelopeVerification | { ok: false; label: string; error: string };

export interface EnvelopeContext {
  trust: EnvelopeTrust;
  formatIn?: EnvelopeWorkerInit['formatIn'];
}

export function envelopeContext(init: EnvelopeWorkerInit): EnvelopeContext {
  return {
    formatIn: init.formatIn,
    trust: {
      devKeys: init.devKeys,
      key: init.key,
      identity: init.identity,
      trustedRoots: rootsOf(init),
      verifier: new SigstoreSignatureVerifier(),
      requireTlog: init.requireTlog,
      boxReleases: init.boxReleases,
      crypto: nodeEnvelopeCrypto,
    },
  };
}

/** One envelope file: the same function for one file and for a corpus. */
export async function verifyEnvelopeFile(
  item: EnvelopeItem,
  ctx: EnvelopeContext,
): Promise<EnvelopeResult> {
  try {
    const text = item.text ?? (await readTextFile(item.path, 'envelope'));
    const env = parseEnvelope(text, item.label, ctx.formatIn);
    return await verifyEnvelope(env, ctx.trust);
  } catch (e) {
    if (!isSealboxError(e)) throw e;
    return { ok: false, label: item.label, error: e.message };
  }
}

/** The one-item verification an init names: bundles, or envelope files. */
export function itemRunner(init: AnyWorkerInit): (item: never) => Promise<unknown> {
  if (init.kind === 'envelope') {
    const ctx = envelopeContext(init);
    return (item: EnvelopeItem) => verifyEnvelopeFile(item, ctx);
  }
  const ctx = itemContext(init);
  return (item: BatchItem) => verifyItem(item, ctx);
}
