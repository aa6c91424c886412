// The sigstore-conformance bundle-verify cases, and the argument list the
// conformance suite passes to a client for each (its CLI protocol).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const CONFORMANCE_DIR = new URL(
  '../../../shared/fixtures/sigstore-conformance/',
  import.meta.url,
).pathname;
export const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
export const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

export interface ConformanceCase {
  name: string;
  dir: string;
  shouldPass: boolean;
  bundle: string;
  artifact: string;
  key?: string;
  trustedRoot?: string;
  identity: string;
  issuer: string;
}

export function conformanceCases(): ConformanceCase[] {
  return readdirSync(CONFORMANCE_DIR)
    .filter((n) => statSync(join(CONFORMANCE_DIR, n)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(CONFORMANCE_DIR, name);
      const file = (f: string) => (existsSync(join(dir, f)) ? join(dir, f) : undefined);
      const text = (f: string) => (file(f) ? readFileSync(join(dir, f), 'utf8').trim() : undefined);
      return {
        name,
        dir,
        shouldPass: !name.endsWith('_fail'),
        bundle: join(dir, 'bundle.sigstore.json'),
        artifact: file('artifact') ?? join(CONFORMANCE_DIR, 'a.txt'),
        key: file('key.pub'),
        trustedRoot: file('trusted_root.json'),
        identity: text('identity') ?? DEFAULT_IDENTITY,
        issuer: text('issuer') ?? DEFAULT_ISSUER,
      };
    });
}

/** `verify-bundle` arguments in the order the conformance suite gives them. */
export function verifyBundleArgs(
  c: ConformanceCase,
  bundle = c.bundle,
  artifact = c.artifact,
): string[] {
  const args = ['verify-bundle', '--bundle', bundle];
  if (c.key) args.push('--key', c.key);
  else args.push('--certificate-identity', c.identity, '--certificate-oidc-issuer', c.issuer);
  if (c.trustedRoot) args.push('--trusted-root', c.trustedRoot);
  args.push(artifact);
  return args;
}
