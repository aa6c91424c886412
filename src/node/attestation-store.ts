// GitHub's artifact attestations API, through Octokit: store a bundle.
import type { Octokit } from '@octokit/rest';
import { nodeGithubClient } from './github-client.ts';
import { SealboxError, describe } from '../errors.ts';

export function githubFromEnv(
  env = process.env,
): { octokit: Octokit; repository: string } | undefined {
  const token = env.GITHUB_TOKEN;
  const repository = env.GITHUB_REPOSITORY;
  if (!token || !repository) return undefined;
  return {
    // The hardened client: Retry-After, secondary limits and 5xx are handled by GitHub's own plugins.
    octokit: nodeGithubClient(token, env.GITHUB_API_URL ?? 'https://api.github.com'),
    repository,
  };
}

/** Stores a bundle with POST /repos/{owner}/{repo}/attestations; returns its id. */
export async function storeAttestation(
  octokit: Octokit,
  repository: string,
  bundle: unknown,
): Promise<number> {
  const [owner, repo] = repository.split('/') as [string, string];
  try {
    const r = await octokit.request('POST /repos/{owner}/{repo}/attestations', {
      owner,
      repo,
      bundle: bundle as never,
    });
    return r.data.id ?? 0;
  } catch (e) {
    throw new SealboxError('SERVICE', `attestation API for ${repository}: ${describe(e)}`, {
      cause: e,
    });
  }
}
