// The GitHub client on Node: GitHub's official client (src/github/client.ts)
// whose requests have a connect and a total timeout (src/node/network.ts).
import type { Octokit } from '@octokit/rest';
import { githubClient, type ClientOptions } from '../github/client.ts';
import { timedFetch } from './network.ts';

/** A hardened client with time limits, typed as plain Octokit for the modules that take one. */
export function nodeGithubClient(
  token: string | undefined,
  baseUrl = 'https://api.github.com',
  options: ClientOptions = {},
): Octokit {
  return githubClient(token, baseUrl, {
    fetch: timedFetch("GitHub's API"),
    ...options,
  }) as unknown as Octokit;
}

/**
 * The client a command uses: GITHUB_API_URL (default api.github.com) and
 * GITHUB_TOKEN when set (public repositories read without one).
 */
export function githubClientFromEnv(env: NodeJS.ProcessEnv = process.env): Octokit {
  return nodeGithubClient(env.GITHUB_TOKEN, env.GITHUB_API_URL ?? 'https://api.github.com');
}
