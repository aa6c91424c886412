// GitHub's official client with its official retry and throttling plugins:
// Retry-After and secondary rate limits are waited out (plus a random jitter,
// so that many clients limited together do not come back together), 5xx and
// dropped connections retried a few times, as GitHub's own guidance asks.
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { isSealboxError } from '../errors.ts';

/**
 * A request that failed for want of a connection, or ran out of time, is not
 * retried: the caller's fetch already waited its limits (src/node/network.ts),
 * and the user should get one line, not the same wait three more times. It
 * runs inside the retry plugin, which retries only errors with a status of
 * 400 and above.
 */
function noRetryWithoutNetwork(octokit: { hook: Octokit['hook'] }) {
  octokit.hook.error('request', (error) => {
    const cause = (error as { cause?: unknown }).cause;
    if (isSealboxError(cause) && (cause.code === 'NETWORK' || cause.code === 'TIMEOUT'))
      (error as { status?: number }).status = 0;
    throw error;
  });
}

// Typed as plain Octokit: the plugins' own API (octokit.retry) is not used,
// and the declarations sealbox ships can name this type.
const Hardened: typeof Octokit = Octokit.plugin(noRetryWithoutNetwork, retry, throttling);

export type GitHubClient = InstanceType<typeof Hardened>;

export interface ClientOptions {
  retries?: number;
  /** Up to this much is added, at random, to each rate-limit wait (default 1 s). */
  jitterMs?: number;
  random?: () => number;
  /**
   * A rate limit that asks for a longer wait fails at once instead (an
   * interactive page should say so, not sit through an hour's reset).
   */
  maxWaitSeconds?: number;
  /** The fetch requests go through (Node: with connect and total timeouts). */
  fetch?: typeof fetch;
}

export function githubClient(
  token: string | undefined,
  baseUrl = 'https://api.github.com',
  options: ClientOptions = {},
): GitHubClient {
  const retries = options.retries ?? 3;
  const jitterMs = options.jitterMs ?? 1000;
  const random = options.random ?? Math.random;
  // The plugin awaits this before its own wait of Retry-After seconds.
  const again = async (after: number, count: number) => {
    if (count >= retries) return false;
    if (options.maxWaitSeconds !== undefined && after > options.maxWaitSeconds) return false;
    await new Promise((r) => setTimeout(r, Math.floor(random() * jitterMs)));
    return true;
  };
  return new Hardened({
    auth: token,
    baseUrl,
    ...(options.fetch && { request: { fetch: options.fetch } }),
    // Failures reach the caller as errors (and 304s are answers): Octokit's
    // own request log would print them a second time.
    log: { debug: () => {}, info: () => {}, warn: (m: string) => console.warn(m), error: () => {} },
    // 304 is an answer (nothing changed), not a failure to retry.
    retry: { retries, doNotRetry: [304, 400, 401, 403, 404, 410, 422, 451] },
    throttle: {
      onRateLimit: (after: number, _options: unknown, _octokit: unknown, count: number) =>
        again(after, count),
      onSecondaryRateLimit: (after: number, _options: unknown, _octokit: unknown, count: number) =>
        again(after, count),
    },
  });
}
