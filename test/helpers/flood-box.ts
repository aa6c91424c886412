// The box of a flood run (test/helpers/flood.ts), in a worker thread of its
// own: hosts the box over the GitHub bus on the local stack, asks the parent
// for tokens and for time to pass (the parent's clock brings the comments),
// and measures this thread's heap, which holds the box and nothing else.
import { PerformanceObserver } from 'node:perf_hooks';
import { GCProfiler, getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { hostBox } from '../../src/box/host.ts';
import type { BoxConfig } from '../../src/box/host.ts';
import { githubClient } from '../../src/github/client.ts';
import { GitHubIssueBus } from '../../src/github/issue-bus.ts';
import { boxAttester } from '../../src/node/box-attest.ts';
import { boxKeyPairOnNode } from '../../src/node/native-hpke.ts';

const data = workerData as {
  apiUrl: string;
  token: string;
  fulcioUrl: string;
  rekorUrl: string;
  now: number;
  config: BoxConfig;
};
const port = parentPort!;
let nextId = 0;
const waiting = new Map<number, (answer: unknown) => void>();
port.on('message', (m: { id: number; answer: unknown }) => {
  waiting.get(m.id)?.(m.answer);
  waiting.delete(m.id);
});
const ask = (request: Record<string, unknown>) =>
  new Promise<unknown>((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    port.postMessage({ id, ...request });
  });

let now = data.now;
const bus = new GitHubIssueBus(
  githubClient(data.token, data.apiUrl) as never,
  'demo/flood',
  undefined,
  { now: () => new Date(now) },
);
// A full collection first (made possible here), so the growth counts from what is live.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
gc();
const base = process.memoryUsage().heapUsed;

// What the box holds, read at the same points of every run, each after a full
// collection: when the box is announced (its code loaded, no comment yet: the
// reference), at each wait between polls, and when its result is attested.
let announcedHeap: number | undefined;
let held = 0;
let heldAt = '';
// Which point it was: the n-th wait, or the result's attestation.
let waits = 0;
// SEALBOX_FLOOD_TRACE=1: each reading on stderr, with the heap's spaces (code apart from data).
const holding = (point: string) => {
  if (announcedHeap === undefined) return;
  gc();
  const now = process.memoryUsage().heapUsed - announcedHeap;
  if (process.env.SEALBOX_FLOOD_TRACE) {
    const spaces = getHeapSpaceStatistics()
      .filter((x) => x.space_used_size > 0)
      .map(
        (x) => `${x.space_name.replace('_space', '')}=${(x.space_used_size / 2 ** 20).toFixed(2)}`,
      );
    process.stderr.write(`${point} ${(now / 2 ** 20).toFixed(2)} MiB; ${spaces.join(' ')}\n`);
  }
  if (now > held) [held, heldAt] = [now, point];
};
const announce = bus.announce.bind(bus);
bus.announce = async (a) => {
  await announce(a);
  gc();
  announcedHeap = process.memoryUsage().heapUsed;
  await ask({ kind: 'announced', manifest: a.manifest, opensAt: a.opensAt, issue: bus.issue });
};
let peak = 0;
let retained = 0;
const sampler = setInterval(
  () => (peak = Math.max(peak, process.memoryUsage().heapUsed - base)),
  20,
);
// After each mark-sweep, as the observer reads it (later: whatever was made since counts too).
const observer = new PerformanceObserver((list) => {
  if (list.getEntries().some((e) => (e as { detail?: { kind?: number } }).detail?.kind === 4)) {
    retained = Math.max(retained, process.memoryUsage().heapUsed - base);
    if (process.env.SEALBOX_FLOOD_TRACE)
      process.stderr.write(
        `mark-sweep after wait ${waits}: ${((process.memoryUsage().heapUsed - base) / 2 ** 20).toFixed(2)} MiB over the start\n`,
      );
  }
});
observer.observe({ entryTypes: ['gc'] });
// And exactly: the heap V8 reports at the end of each mark-sweep.
const profiler = new GCProfiler();
profiler.start();
const attest = boxAttester(
  { fulcioUrl: data.fulcioUrl, rekorUrl: data.rekorUrl },
  async () => (await ask({ kind: 'token' })) as string,
);
const started = performance.now();
const hosted = await hostBox(
  {
    bus,
    attest: async (bytes, name) => {
      if (name === 'result.json') holding("the result's attestation");
      return attest(bytes, name);
    },
    now: () => new Date(now),
    generateKey: boxKeyPairOnNode,
    sleep: async (ms) => {
      holding(`wait ${++waits}`);
      now = (await ask({ kind: 'sleep', ms })) as number;
    },
  },
  data.config,
);
clearInterval(sampler);
observer.disconnect();
const afterMarkSweep = Math.max(
  0,
  ...(profiler.stop()?.statistics ?? [])
    .filter((g) => g.gcType === 'MarkSweepCompact')
    .map((g) => g.afterGC.heapStatistics.usedHeapSize - base),
);
port.postMessage({
  kind: 'done',
  run: {
    result: hosted.parsedResult,
    seconds: (performance.now() - started) / 1000,
    peakMiB: peak / 2 ** 20,
    retainedMiB: retained / 2 ** 20,
    afterMarkSweepMiB: afterMarkSweep / 2 ** 20,
    heldMiB: held / 2 ** 20,
    heldAt,
  },
});
