// `box verify --show-workflow`: the two workflow files an auditor must read,
// fetched at the commits the certificate names: the caller's (Build Config
// URI at Build Config Digest) and the reusable box workflow (Build Signer URI
// at Build Signer Digest).
import type { Octokit } from '@octokit/rest';
import type { CertificateClaims } from '../policy/claims.ts';
import { SealboxError, describe } from '../errors.ts';

/** https://github.com/OWNER/REPO/PATH@REF -> its parts. */
export function workflowLocation(uri: string | undefined, digest: string | undefined) {
  const m = /^https:\/\/[^/]+\/([^/]+\/[^/]+)\/(.+?)@(.+)$/.exec(uri ?? '');
  if (!m || !digest) return undefined;
  return { repository: m[1]!, path: m[2]!, ref: m[3]!, commit: digest };
}

export async function showWorkflows(
  claims: CertificateClaims | undefined,
  octokit: Octokit,
  write: (text: string) => void = (t) => process.stdout.write(t),
): Promise<void> {
  const files = [
    ['caller workflow', workflowLocation(claims?.buildConfigURI, claims?.buildConfigDigest)],
    ['box workflow', workflowLocation(claims?.buildSignerURI, claims?.buildSignerDigest)],
  ] as const;
  for (const [label, loc] of files) {
    if (!loc)
      throw new SealboxError(
        'INPUT_INVALID',
        `--show-workflow: the manifest's certificate does not name the ${label} and its commit`,
      );
    const [owner, repo] = loc.repository.split('/') as [string, string];
    let text: string;
    try {
      const r = await octokit.rest.repos.getContent({
        owner,
        repo,
        path: loc.path,
        ref: loc.commit,
      });
      const data = r.data as { content?: string; encoding?: string };
      if (data.encoding !== 'base64' || data.content === undefined) throw new Error('not a file');
      text = Buffer.from(data.content, 'base64').toString('utf8');
    } catch (e) {
      throw new SealboxError(
        'SERVICE',
        `--show-workflow: ${loc.repository}/${loc.path} at ${loc.commit}: ${describe(e)}`,
      );
    }
    write(`\n--- ${label}: ${loc.repository}/${loc.path} (${loc.ref}) at commit ${loc.commit}\n`);
    write(text.endsWith('\n') ? text : `${text}\n`);
  }
}
