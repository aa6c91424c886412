// One batch item's verification, and the worker thread that runs it. The
// same function serves one-by-one verification, so verdicts cannot differ.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { isSealboxError } from '../errors.ts';
import { parseBundleText } from '../sigstore/bundle.ts';
import { embeddedTrustedRoot } from '../sigstore/embedded-root.ts';
import { parseTrustedRootText, type LoadedTrustedRoot } from '../sigstore/trusted-root.ts';
import { verifyBundles, type VerifyOptions } from '../sigstore/verify-bundle.ts';
import type { BatchItem, BatchResult, WorkerInit } from './batch.ts';
import { resolveArtifact } from './files.ts';
import { NodeSignatureVerifier } from './sigstore-verifier.ts';

export interface ItemContext {
  init: WorkerInit;
  options: VerifyOptions;
}

export function itemContext(init: WorkerInit): ItemContext {
  const trustedRoots: LoadedTrustedRoot[] = init.trustedRootText
    ? parseTrustedRootText(init.trustedRootText, init.trustedRootSource ?? 'trusted root')
    : [embeddedTrustedRoot()];
  return {
    init,
    options: {
      trustedRoots,
      verifier: new NodeSignatureVerifier(),
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
    const result = await verifyBundles(bundles, artifact, ctx.init.policy, ctx.options);
    return { label: item.label, ok: result.ok, checks: result.checks };
  } catch (e) {
    if (!isSealboxError(e)) throw e;
    return { label: item.label, ok: false, checks: [], error: e.message };
  }
}

if (!isMainThread && parentPort && (workerData as WorkerInit | undefined)?.policy) {
  const port = parentPort;
  let ctx: ItemContext;
  try {
    ctx = itemContext(workerData as WorkerInit);
    port.postMessage({ ready: true });
  } catch (e) {
    port.postMessage({ ready: false, error: (e as Error).message });
    throw e;
  }
  port.on('message', async (m: { start: number; items: BatchItem[] }) => {
    const results: BatchResult[] = [];
    for (const item of m.items) results.push(await verifyItem(item, ctx));
    port.postMessage({ start: m.start, results });
  });
}
