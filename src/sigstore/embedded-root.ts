// The embedded Sigstore public-good trusted root: a dated snapshot of the root
// Sigstore's own TUF package ships (scripts/snapshot-root.js refreshes it).
import snapshot from './roots/public-good.json' with { type: 'json' };
import { TrustedRoot } from '@sigstore/protobuf-specs';
import type { LoadedTrustedRoot } from './trusted-root.ts';

/** Day the snapshot was taken (YYYY-MM-DD) and where it came from. */
export const EMBEDDED_ROOT_DATE: string = snapshot.snapshot.date;
export const EMBEDDED_ROOT_SOURCE: string = snapshot.snapshot.source;

/** Verification warns when the root in use is older than this. */
export const ROOT_MAX_AGE_DAYS = 180;

/**
 * The embedded root. It is sealbox's own constant, not an input: the tests
 * hold it to parseTrustedRoot's validation (test/sigstore/embedded-root), so
 * each run skips re-validating it.
 */
export function embeddedTrustedRoot(): LoadedTrustedRoot {
  return {
    root: TrustedRoot.fromJSON(snapshot.trustedRoot),
    json: snapshot.trustedRoot,
    source: `embedded public-good root (snapshot ${EMBEDDED_ROOT_DATE})`,
  };
}

/** A warning line when a root dated `date` is older than ROOT_MAX_AGE_DAYS at `now`, else undefined. */
export function staleRootWarning(
  source: string,
  date: string,
  now: Date,
  update = 'sealbox trusted-root update',
): string | undefined {
  const ageDays = Math.floor((now.getTime() - Date.parse(date)) / 86_400_000);
  if (ageDays <= ROOT_MAX_AGE_DAYS) return undefined;
  return `warning: the ${source} is ${ageDays} days old (over ${ROOT_MAX_AGE_DAYS}); run '${update}' or pass --trusted-root`;
}
