// Which release lists a verification on Node uses (docs/spec/sealed-box-v1.1.md,
// section 9): the list this installation of sealbox ships (releases.json at
// the package's root, written by the release that packed it), and, beside a
// trusted root given with --trusted-root, a local stack's own list
// (STATE/releases.json), which speaks only for certificates of that stack's
// CA: never for a public-good CA, never for a root holding other CAs.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SealboxError } from '../errors.ts';
import { readBoundedFileSync, utf8 } from './files.ts';
import {
  parseReleaseList,
  scopeLocalReleases,
  type ReleaseList,
  type ReleaseSource,
} from '../box/releases.ts';
import { embeddedTrustedRoot } from '../sigstore/embedded-root.ts';
import type { LoadedTrustedRoot } from '../sigstore/trusted-root.ts';

/** The package's root: from src/node, lib/node or build/chunks alike. */
const PACKAGE_ROOT = new URL('../../', import.meta.url);
export const RELEASES_FILE = 'releases.json';
/** A release list is a few hundred bytes a release: 4 MiB is thousands of releases. */
const MAX_LIST_BYTES = 4 * 1024 * 1024;

function readList(path: string, shipped: boolean): ReleaseList {
  let text: string;
  try {
    text = utf8(readBoundedFileSync(path, 'release list', MAX_LIST_BYTES), 'release list', path);
  } catch (e) {
    if (shipped && e instanceof SealboxError && e.code === 'INPUT_NOT_FOUND')
      throw new SealboxError(
        'INPUT_NOT_FOUND',
        `${path}: sealbox's own release list is missing: this installation of sealbox is incomplete; reinstall it`,
      );
    throw e;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new SealboxError('INPUT_INVALID', `release list ${path}: is not JSON`);
  }
  return parseReleaseList(doc, path);
}

/** The release list this installation ships. */
export function shippedReleases(root: URL = PACKAGE_ROOT): ReleaseSource {
  const path = new URL(RELEASES_FILE, root).pathname;
  const list = readList(path, true);
  if (list.certificate_authority !== undefined)
    throw new SealboxError(
      'INPUT_INVALID',
      `release list ${path}: sealbox's own list names a certificate authority: it is a local stack's, not a release's`,
    );
  return { label: `sealbox's release list (${path})`, list };
}

export interface ReleaseSelection {
  sources: ReleaseSource[];
  notes: string[];
}

/**
 * The shipped list, and a local stack's list beside `trustedRootFile`
 * (releases.json in the same directory), scoped to that stack's CA.
 */
export async function selectReleases(
  trustedRootFile: string | undefined,
  roots: LoadedTrustedRoot[],
  shipped: ReleaseSource = shippedReleases(),
): Promise<ReleaseSelection> {
  const sources = [shipped];
  if (trustedRootFile === undefined || trustedRootFile === '-') return { sources, notes: [] };
  const path = join(dirname(trustedRootFile), RELEASES_FILE);
  if (!existsSync(path)) return { sources, notes: [] };
  const local = await scopeLocalReleases(
    readList(path, false),
    `the local stack's releases (${path})`,
    roots,
    embeddedTrustedRoot(),
  );
  if ('ignored' in local) return { sources, notes: [local.ignored] };
  const tags = [...new Set(local.source.list.releases.map((r) => r.tag))];
  return {
    sources: [...sources, local.source],
    notes: [
      `releases of the local stack in ${path} apply to certificates of its own CA only (${tags.join(', ') || 'none'})`,
    ],
  };
}
