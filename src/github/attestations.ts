// Reading bundles from GitHub's artifact attestations API, in both of its
// answer shapes: the bundle inline, or a `bundle_url` to snappy-compressed
// JSON (fetched without the API token: it is a storage URL).
import type { Octokit } from '@octokit/rest';
import snappy from 'snappyjs';
import { SealboxError, describe } from '../errors.ts';

/** Bundles larger than this are refused (a bundle is a few kilobytes). */
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

export async function fetchAttestationBundles(
  octokit: Octokit,
  repository: string,
  digest: string,
  fetchImpl: typeof fetch = fetch,
): Promise<unknown[]> {
  const [owner, repo] = repository.split('/') as [string, string];
  let items: { bundle?: unknown; bundle_url?: string }[];
  try {
    items = (await octokit.paginate(
      'GET /repos/{owner}/{repo}/attestations/{subject_digest}',
      { owner, repo, subject_digest: digest, per_page: 100 },
      (r) => (r.data as unknown as { attestations?: typeof items }).attestations ?? [],
    )) as typeof items;
  } catch (e) {
    if ((e as { status?: number }).status === 404) return [];
    throw new SealboxError(
      'SERVICE',
      `attestations of ${digest} in ${repository}: ${describe(e)}`,
      {
        cause: e,
      },
    );
  }
  const bundles: unknown[] = [];
  for (const item of items) {
    if (item.bundle) {
      bundles.push(item.bundle);
      continue;
    }
    if (!item.bundle_url) continue;
    try {
      const r = await fetchImpl(item.bundle_url, { signal: AbortSignal.timeout(30_000) });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const bytes = new Uint8Array(await r.arrayBuffer());
      if (bytes.length > MAX_BUNDLE_BYTES) throw new Error('too large');
      const json = snappy.uncompress(bytes) as Uint8Array;
      if (json.length > MAX_BUNDLE_BYTES) throw new Error('inflates too large');
      bundles.push(JSON.parse(new TextDecoder().decode(json)));
    } catch (e) {
      throw new SealboxError('SERVICE', `attestation bundle ${item.bundle_url}: ${describe(e)}`, {
        cause: e,
      });
    }
  }
  return bundles;
}
