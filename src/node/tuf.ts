// The TUF client, in its own module so that it loads only for
// `trusted-root update`, and the initial TUF roots it starts from.
import { Metadata, MetadataKind, type Root } from '@tufjs/models';
import seeds from '@sigstore/tuf/seeds.json' with { type: 'json' };
import githubTufRoot from '../sigstore/roots/github-tuf-root.json' with { type: 'json' };
import { SealboxError, describe } from '../errors.ts';
import type { InstanceName } from '../sigstore/instances.ts';

export { getTrustedRoot } from '@sigstore/tuf';

/**
 * The TUF root.json an instance's repository is first trusted with: for
 * public-good, the one Sigstore's TUF package ships; for GitHub's instance,
 * the one sealbox ships (src/sigstore/roots/github-tuf-root.json, the copy
 * the GitHub CLI embeds). A TUF client trusts it even when expired and walks
 * forward through the newer root versions the repository serves.
 */
export function initialTufRoot(instance: InstanceName): string {
  if (instance === 'github') return JSON.stringify(githubTufRoot);
  const seed = seeds['https://tuf-repo-cdn.sigstore.dev'];
  return new TextDecoder().decode(Uint8Array.from(atob(seed['root.json']), (c) => c.charCodeAt(0)));
}

/**
 * Checks that text is a TUF root.json signed by its own root keys (what a
 * TUF client requires of its first root), so that a wrong file is named as
 * such, not reported as a failure of the repository.
 */
export function checkTufRoot(text: string, label: string): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SealboxError('TRUSTED_ROOT_INVALID', `${label}: is not JSON`);
  }
  if ((json as { mediaType?: unknown } | null)?.mediaType !== undefined)
    throw new SealboxError(
      'TRUSTED_ROOT_INVALID',
      `${label}: is a Sigstore trusted root, not a TUF root.json (give it to verification with --trusted-root)`,
    );
  let root: Metadata<Root>;
  try {
    root = Metadata.fromJSON(MetadataKind.Root, json as never);
  } catch (e) {
    throw new SealboxError(
      'TRUSTED_ROOT_INVALID',
      `${label}: is not a TUF root.json (${describe(e)})`,
    );
  }
  try {
    root.verifyDelegate(MetadataKind.Root, root);
  } catch (e) {
    throw new SealboxError(
      'TRUSTED_ROOT_INVALID',
      `${label}: is not signed by its own root keys (${describe(e)})`,
    );
  }
}
