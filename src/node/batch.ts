// Batch verification: many bundles with their artifacts, on a pool of
// threads (this one and workers), each running the same verification as
// `sealbox verify` (the same @sigstore/verify path, no other). Verdicts are
// identical to one-by-one verification; only the scheduling differs.
import type { ReleaseSource } from '../box/releases.ts';
import { getCompileCacheDir } from 'node:module';
import { availableParallelism } from 'node:os';
import { readdir } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SealboxError } from '../errors.ts';
import type { EnvelopeFormat } from '../envelope/envelope.ts';
import type { Check } from '../check.ts';
import type { IdentityPolicy } from '../policy/identity.ts';
import type { Policy } from '../sigstore/verify-bundle.ts';
import { STDIN, readBoundedFileSync, readTextFile, utf8 } from './files.ts';
import { itemRunner } from './batch-items.ts';

/** One thing to verify: a bundle (its JSON text) and the artifact (a path, or sha256:/sha512: digest). */
export interface BatchItem {
  label: string;
  bundle: string;
  artifact: string;
}

export interface BatchResult {
  label: string;
  ok: boolean;
  checks: Check[];
  /** Set when the item could not be read or parsed (bad input, not a verdict). */
  error?: string;
}

export interface BatchOptions {
  policy: Policy;
  /** Trusted roots as JSON text (one, or JSON Lines), and where they came from. */
  trustedRootText?: string;
  trustedRootSource?: string;
  publicKey?: string;
  requireTlog: boolean;
  predicateType?: string;
  workers?: number;
  /** Items per message to a worker. */
  chunk?: number;
}

/** What a bundle worker needs: the policy and roots, as plain data. */
export interface WorkerInit {
  kind?: 'bundle';
  policy: Policy;
  trustedRootText?: string;
  trustedRootSource?: string;
  publicKey?: string;
  requireTlog: boolean;
  predicateType?: string;
}

/** What an envelope worker needs. */
export interface EnvelopeWorkerInit {
  kind: 'envelope';
  devKeys: { label: string; pem: string }[];
  key?: string;
  identity?: IdentityPolicy;
  trustedRootText?: string;
  trustedRootSource?: string;
  requireTlog: boolean;
  formatIn?: EnvelopeFormat;
  /** The `sealbox-box` trust policy: the release lists its `release` check uses. */
  boxReleases?: ReleaseSource[];
}

export type AnyWorkerInit = WorkerInit | EnvelopeWorkerInit;

declare const __SEALBOX_BATCH_WORKER__: string | undefined;

// In the bundled CLI the build defines where the worker's entry is; from the
// sources, Node runs the TypeScript entry directly.
function workerUrl(): URL {
  const bundled =
    typeof __SEALBOX_BATCH_WORKER__ === 'string' ? __SEALBOX_BATCH_WORKER__ : undefined;
  return new URL(bundled ?? './batch-worker.ts', import.meta.url);
}

/**
 * A batch: a directory where each NAME.sigstore.json bundle has its artifact
 * beside it, named NAME or (as a box's files are) NAME.json; or JSON Lines of
 * {artifact, bundle} from a file or standard input (-). No item at all is an
 * input error, as for an empty directory.
 */
export async function readBatch(source: string): Promise<BatchItem[]> {
  const label = source === STDIN ? 'standard input' : source;
  let entries: string[] | undefined;
  if (source !== STDIN) {
    try {
      entries = (await readdir(source)).sort();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw new SealboxError('INPUT_NOT_FOUND', `batch ${source}: no such file or directory`);
      if (code !== 'ENOTDIR') throw e;
    }
  }
  if (entries) {
    const names = new Set(entries);
    const items: BatchItem[] = [];
    for (const name of entries) {
      if (!name.endsWith('.sigstore.json')) continue;
      const stem = name.slice(0, -'.sigstore.json'.length);
      const artifact = names.has(stem)
        ? stem
        : names.has(`${stem}.json`)
          ? `${stem}.json`
          : undefined;
      if (!artifact)
        throw new SealboxError(
          'INPUT_INVALID',
          `batch ${source}: ${name} has no artifact ${stem} (or ${stem}.json) beside it`,
        );
      const bundlePath = join(source, name);
      items.push({
        label: artifact,
        // Synchronous: many small files, and no thread-pool round trips for each. Bounded,
        // and regular files only, as `verify --bundle` reads a bundle.
        bundle: utf8(readBoundedFileSync(bundlePath, 'bundle'), 'bundle', bundlePath),
        artifact: join(source, artifact),
      });
    }
    if (!items.length)
      throw new SealboxError(
        'INPUT_INVALID',
        `batch ${source}: no NAME.sigstore.json bundles in the directory`,
      );
    return items;
  }
  const text = await readTextFile(source, 'batch');
  const base = source === STDIN ? '.' : dirname(source);
  const items = text
    .split(/\r?\n/)
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim())
    .map(({ line, i }) => {
      let doc: { artifact?: unknown; bundle?: unknown };
      try {
        doc = JSON.parse(line);
      } catch {
        throw new SealboxError('INPUT_INVALID', `batch ${label}: line ${i + 1} is not JSON`);
      }
      if (typeof doc.artifact !== 'string' || doc.bundle === undefined) {
        throw new SealboxError(
          'INPUT_INVALID',
          `batch ${label}: line ${i + 1} needs "artifact" and "bundle"`,
        );
      }
      const isDigest = /^sha(256|512):/.test(doc.artifact);
      // A path, never standard input: `-` is a file of that name beside the batch.
      const artifactPath =
        isDigest || isAbsolute(doc.artifact) ? doc.artifact : join(base, doc.artifact);
      let bundle: string;
      try {
        bundle = JSON.stringify(doc.bundle);
      } catch {
        // JSON.parse takes any depth; writing it out again does not.
        throw new SealboxError(
          'INPUT_INVALID',
          `batch ${label}: line ${i + 1}'s bundle is nested too deeply`,
        );
      }
      return {
        label: `${label}#${i + 1}`,
        bundle,
        artifact: artifactPath === STDIN ? `./${STDIN}` : artifactPath,
      };
    });
  if (!items.length)
    throw new SealboxError(
      'INPUT_INVALID',
      `batch ${label}: no {"artifact", "bundle"} lines (the JSON Lines input is empty)`,
    );
  return items;
}

/** Worker threads when --workers is not given, for every command that has it: one per core. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * A verification pool, started once and reused for any number of batches:
 * `size` threads verify, this one and size - 1 workers. This thread starts at
 * once, while the workers start; each worker joins as soon as it is ready.
 * All of them run the same one-item function (batch-items.ts) on the same
 * init, so verdicts do not depend on which thread ran an item.
 */
export class VerifierPool<Item = BatchItem, Result = BatchResult> {
  readonly #init: AnyWorkerInit;
  readonly #workers: Worker[];
  readonly #started: Promise<Worker>[];
  #local?: (item: Item) => Promise<Result>;
  #shares: number[] = [];

  constructor(init: AnyWorkerInit, size = defaultWorkers(), entry: URL = workerUrl()) {
    this.#init = init;
    // The workers load the compiled code the CLI's compile cache holds, when it has one.
    const cache = getCompileCacheDir();
    const env = cache ? { ...process.env, NODE_COMPILE_CACHE: cache } : undefined;
    this.#workers = Array.from(
      { length: Math.max(0, size - 1) },
      () => new Worker(entry, { workerData: init, ...(env ? { env } : {}) }),
    );
    this.#started = this.#workers.map(
      (w) =>
        new Promise<Worker>((resolve, reject) => {
          w.once('message', (m: { ready?: boolean; error?: string }) =>
            m.ready
              ? resolve(w)
              : reject(new SealboxError('INPUT_INVALID', m.error ?? 'worker failed')),
          );
          w.once('error', reject);
        }),
    );
    // The pool starts before its input is read: a failure is reported by verify(), or not
    // at all when the input fails first.
    for (const started of this.#started) started.catch(() => {});
  }

  /** How many items of the last batch each thread verified: this one first, then each worker. */
  get shares(): readonly number[] {
    return this.#shares;
  }

  /** Resolves when every worker has loaded its trusted roots. */
  async ready(): Promise<void> {
    await Promise.all(this.#started);
  }

  /**
   * Verifies the items, at most `chunk` at a time (fewer towards the end, so
   * that no thread waits long on the last chunk of another); `onResult` hears
   * each result as it comes (in the order the threads finish), `onProgress`
   * the count done.
   */
  async verify(
    items: Item[],
    chunk = 16,
    onProgress?: (done: number) => void,
    onResult?: (index: number, result: Result) => void,
  ): Promise<Result[]> {
    // This thread's own verification, built from the same init as the workers'.
    this.#local ??= itemRunner(this.#init) as (item: Item) => Promise<Result>;
    const local = this.#local;
    const threads = this.#workers.length + 1;
    const results: Result[] = new Array(items.length);
    const shares = (this.#shares = new Array<number>(threads).fill(0));
    let done = 0;
    let next = 0;
    let allDone = () => {};
    const whenAllDone = new Promise<undefined>((resolve) => (allDone = () => resolve(undefined)));
    if (!items.length) allDone();
    const take = (): { start: number; end: number } | undefined => {
      if (next >= items.length) return undefined;
      const start = next;
      const share = Math.ceil((items.length - next) / (2 * threads));
      next = Math.min(items.length, next + Math.max(1, Math.min(chunk, share)));
      return { start, end: next };
    };
    const record = (thread: number, start: number, chunkResults: Result[]) => {
      shares[thread]! += chunkResults.length;
      chunkResults.forEach((r, i) => {
        results[start + i] = r;
        onResult?.(start + i, r);
      });
      done += chunkResults.length;
      onProgress?.(done);
      if (done === items.length) allDone();
    };
    let failed: unknown;
    const runWorker = async (started: Promise<Worker>, thread: number) => {
      // A worker still starting when every item is done is not waited for.
      const worker = await Promise.race([started, whenAllDone]);
      if (!worker) return;
      await new Promise<void>((resolve, reject) => {
        let pending = 0;
        const send = () => {
          const range = failed === undefined ? take() : undefined;
          if (!range) return;
          pending++;
          worker.postMessage({ start: range.start, items: items.slice(range.start, range.end) });
        };
        const finish = (error?: unknown) => {
          worker.off('message', onMessage);
          worker.off('error', finish);
          if (error === undefined) resolve();
          else reject(error);
        };
        const onMessage = (m: { start: number; results: Result[] }) => {
          pending--;
          // The next chunk first, so the worker does not wait on what is done with this one.
          send();
          record(thread, m.start, m.results);
          if (!pending) finish();
        };
        worker.on('message', onMessage);
        worker.on('error', finish);
        // Two chunks in flight: the worker never waits on this thread, busy with its own.
        send();
        send();
        if (!pending) finish();
      });
    };
    const runHere = async () => {
      for (let range = take(); range && failed === undefined; range = take()) {
        const chunkResults: Result[] = [];
        for (let i = range.start; i < range.end; i++) chunkResults.push(await local(items[i]!));
        record(0, range.start, chunkResults);
        // The workers' answers wait on this thread: let them in between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const runs = [runHere(), ...this.#started.map((w, i) => runWorker(w, i + 1))].map((run) =>
      run.catch((e: unknown) => {
        failed ??= e;
      }),
    );
    await Promise.all(runs);
    if (failed !== undefined) throw failed;
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

/** Verifies a batch on a fresh pool and closes it. */
export async function verifyBatch(
  items: BatchItem[],
  options: BatchOptions,
): Promise<BatchResult[]> {
  const size = Math.max(
    1,
    Math.min(options.workers ?? defaultWorkers(), Math.ceil(items.length / 4)),
  );
  const pool = new VerifierPool(options, size);
  try {
    return await pool.verify(items, options.chunk);
  } finally {
    await pool.close();
  }
}

/**
 * Reads a batch (readBatch) while a pool of `options.workers` starts, then
 * verifies it there, telling `onResult` of each result in the batch's order
 * as soon as it and every one before it are in.
 */
export async function readAndVerifyBatch(
  source: string,
  options: BatchOptions,
  onResult?: (result: BatchResult, index: number) => void,
): Promise<BatchResult[]> {
  const pool = new VerifierPool(options, Math.max(1, options.workers ?? defaultWorkers()));
  try {
    const items = await readBatch(source);
    const arrived: (BatchResult | undefined)[] = new Array(items.length);
    let next = 0;
    return await pool.verify(items, options.chunk, undefined, (index, result) => {
      arrived[index] = result;
      while (next < items.length && arrived[next]) {
        onResult?.(arrived[next]!, next);
        arrived[next++] = undefined;
      }
    });
  } finally {
    await pool.close();
  }
}
