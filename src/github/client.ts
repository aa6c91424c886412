// GitHub's official client with its official retry and throttling plugins:
// Retry-After and secondary rate limits are waited out, 5xx and dropped
// connections retried a few times, as GitHub's own guidance asks.
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

const Hardened = Octokit.plugin(retry, throttling);

export type GitHubClient = InstanceType<typeof Hardened>;

export function githubClient(
  token: string | undefined,
  baseUrl = 'https://api.github.com',
  retries = 3,
): GitHubClient {
  return new Hardened({
    auth: token,
    baseUrl,
    // Failures reach the caller as errors (and 304s are answers): Octokit's
    // own request log would print them a second time.
    log: { debug: () => {}, info: () => {}, warn: (m: string) => console.warn(m), error: () => {} },
    // 304 is an answer (nothing changed), not a failure to retry.
    retry: { retries, doNotRetry: [304, 400, 401, 403, 404, 410, 422, 451] },
    throttle: {
      onRateLimit: (_after: number, _options: unknown, _octokit: unknown, count: number) =>
        count < retries,
      onSecondaryRateLimit: (_after: number, _options: unknown, _octokit: unknown, count: number) =>
        count < retries,
    },
  });
}
