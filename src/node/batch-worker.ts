// A verification worker of the pool (batch.ts): it builds its one-item
// verification from the pool's init (batch-items.ts) and answers each chunk
// of items with their results, one chunk after another.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { AnyWorkerInit } from './batch.ts';
import { itemRunner } from './batch-items.ts';

if (!isMainThread && parentPort && workerData) {
  const port = parentPort;
  let run: (item: never) => Promise<unknown>;
  try {
    run = itemRunner(workerData as AnyWorkerInit);
    port.postMessage({ ready: true });
  } catch (e) {
    port.postMessage({ ready: false, error: (e as Error).message });
    throw e;
  }
  // The pool keeps a second chunk queued here: chunks are taken in order.
  let queue = Promise.resolve();
  port.on('message', (m: { start: number; items: never[] }) => {
    queue = queue.then(async () => {
      const results: unknown[] = [];
      for (const item of m.items) results.push(await run(item));
      port.postMessage({ start: m.start, results });
    });
  });
}
