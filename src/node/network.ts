// Time limits on every request to GitHub and Sigstore: a connect timeout
// (each service must accept a connection within it before it is asked
// anything; Sigstore's client takes only a total timeout, so the check is
// made here for both) and a total timeout per request. A user with no
// network sees within seconds what is being tried, then one line.
//
// SEALBOX_CONNECT_TIMEOUT and SEALBOX_TIMEOUT (seconds) change the limits.
import { connect } from 'node:net';
import { SealboxError, describe } from '../errors.ts';

export interface NetworkLimits {
  /** A service must accept a TCP connection within this (default 5 s). */
  connectMs: number;
  /** A request must be answered within this (default 30 s). */
  totalMs: number;
  /** Say what is being waited for once this has passed (default 1.5 s). */
  noticeMs: number;
}

/** The longest a Node timer waits (2^31 - 1 ms); a longer one fires at once. */
export const MAX_TIMER_SECONDS = 2_147_483;

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback * 1000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_TIMER_SECONDS)
    throw new SealboxError(
      'USAGE',
      `${name}=${raw}: give a number of seconds above 0 and at most ${MAX_TIMER_SECONDS}`,
    );
  return n * 1000;
}

export function networkLimits(env: NodeJS.ProcessEnv = process.env): NetworkLimits {
  const connectMs = seconds(env, 'SEALBOX_CONNECT_TIMEOUT', 5);
  return {
    connectMs,
    totalMs: seconds(env, 'SEALBOX_TIMEOUT', 30),
    noticeMs: Math.min(1500, connectMs / 2),
  };
}

let notify: (line: string) => void = (line) => process.stderr.write(`sealbox: ${line}\n`);

/** Where the "still waiting" lines go (default: standard error). */
export function setNetworkNotice(f: (line: string) => void): void {
  notify = f;
}

/** Printable ASCII only, 300 characters at most: a service's text reaches the terminal. */
export const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);

const secondsText = (ms: number) => `${+(ms / 1000).toFixed(1)} s`;

/** A notice after `ms` unless cancelled; at most one per service and origin every minute. */
const lastNotice = new Map<string, number>();
function noticeAfter(ms: number, key: string, line: string): () => void {
  const timer = setTimeout(() => {
    const last = lastNotice.get(key);
    if (last !== undefined && Date.now() - last < 60_000) return;
    lastNotice.set(key, Date.now());
    notify(line);
  }, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

function connectFailure(service: string, url: URL, e: unknown, limits: NetworkLimits) {
  const code = (e as NodeJS.ErrnoException).code;
  const reason =
    code === 'ETIMEDOUT'
      ? `no connection within ${secondsText(limits.connectMs)} (no network, or a firewall drops it)`
      : code === 'ECONNREFUSED'
        ? 'unreachable (connection refused)'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? `${url.hostname} does not resolve (no network?)`
          : describe(e);
  return new SealboxError('NETWORK', `${service} at ${url.origin}: ${reason}`, { cause: e });
}

function probe(service: string, url: URL, limits: NetworkLimits): Promise<void> {
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const cancel = noticeAfter(
    limits.noticeMs,
    `${service} ${url.origin}`,
    `connecting to ${service} at ${url.origin} (giving up after ${secondsText(limits.connectMs)})`,
  );
  return new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
      limits.connectMs,
    );
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (e) => reject(connectFailure(service, url, e, limits)));
    socket.once('close', () => clearTimeout(timer));
  }).finally(cancel);
}

// One check per origin while it answers; a failed one is remembered briefly,
// so the retries of one command fail at once instead of waiting again.
const probes = new Map<string, Promise<void>>();

/** Resolves once `url`'s server accepts a connection within the connect timeout. */
export function reachable(
  service: string,
  url: string | URL,
  limits: NetworkLimits = networkLimits(),
): Promise<void> {
  const u = new URL(url);
  const key = u.origin;
  let p = probes.get(key);
  if (!p) {
    p = probe(service, u, limits);
    probes.set(key, p);
    p.catch(() => setTimeout(() => probes.delete(key), 10_000).unref());
  }
  return p;
}

/**
 * fetch with the limits: the origin's connect check, a total timeout over the
 * answer (headers and body), and a notice while a slow answer is awaited.
 */
export function timedFetch(service: string, limits: NetworkLimits = networkLimits()): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    await reachable(service, url, limits);
    const timeout = AbortSignal.timeout(limits.totalMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const cancel = noticeAfter(
      limits.noticeMs,
      `${service} ${url.origin}`,
      `waiting for ${service} at ${url.origin} (${method} ${url.pathname}; giving up after ${secondsText(limits.totalMs)})`,
    );
    try {
      return await fetch(input, { ...init, signal });
    } catch (e) {
      if (timeout.aborted)
        throw new SealboxError(
          'TIMEOUT',
          `${service} at ${url.origin}: no answer within ${secondsText(limits.totalMs)}`,
          { cause: e },
        );
      if (init?.signal?.aborted) throw e;
      throw connectFailure(service, url, (e as Error).cause ?? e, limits);
    } finally {
      cancel();
    }
  };
}

/**
 * Runs `work` (a library call that makes its own requests, such as
 * Sigstore's signing) after checking each service accepts a connection, with
 * a notice while it takes long and a total deadline.
 */
export async function withServices<T>(
  services: [string, string][],
  what: string,
  work: () => Promise<T>,
  limits: NetworkLimits = networkLimits(),
): Promise<T> {
  await Promise.all(services.map(([name, url]) => reachable(name, url, limits)));
  const names = services.map(([name, url]) => `${name} at ${new URL(url).origin}`).join(', ');
  const cancel = noticeAfter(
    limits.noticeMs,
    `${what} ${names}`,
    `${what}: waiting for ${names} (giving up after ${secondsText(limits.totalMs)})`,
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SealboxError(
            'TIMEOUT',
            `${what}: no answer from ${names} within ${secondsText(limits.totalMs)}`,
          ),
        ),
      limits.totalMs,
    );
    timer.unref();
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
    cancel();
  }
}

/**
 * Reads an answer's body, at most `maxBytes` of it: a larger one is refused
 * as soon as the limit is passed (its connection dropped), and the total
 * timeout or a broken connection while the body arrives ends in one line
 * naming `what`, never a library's abort error.
 */
export async function boundedBody(
  response: Response,
  maxBytes: number,
  what: string,
): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new SealboxError('SERVICE', `${what}: the answer is larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof SealboxError) throw e;
    if ((e as Error)?.name === 'TimeoutError')
      throw new SealboxError('TIMEOUT', `${what}: the answer did not end in time`, { cause: e });
    throw new SealboxError('SERVICE', `${what}: the answer broke off (${describe(e)})`, {
      cause: e,
    });
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
