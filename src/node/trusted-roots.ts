// Which trusted roots a verification uses, on Node. Offline unless asked:
// 1. --trusted-root FILE (one root, or JSON Lines of several), else
// 2. the root fetched by an explicit `sealbox trusted-root update` (TUF), else
// 3. the embedded public-good snapshot.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { SealboxError, describe } from '../errors.ts';
import {
  EMBEDDED_ROOT_DATE,
  embeddedTrustedRoot,
  staleRootWarning,
} from '../sigstore/embedded-root.ts';
import {
  parseTrustedRoot,
  parseTrustedRootText,
  type LoadedTrustedRoot,
} from '../sigstore/trusted-root.ts';
import { cacheDir } from './cache-dir.ts';
import { readJsonFile, readTextFile } from './files.ts';

export const DEFAULT_TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';

export interface RootSelection {
  roots: LoadedTrustedRoot[];
  /** Warnings for the user (a stale root); printed on stderr or in JSON notes. */
  notes: string[];
}

function updatedRootPaths() {
  const dir = join(cacheDir(), 'trusted-root');
  return { dir, root: join(dir, 'trusted_root.json'), meta: join(dir, 'updated.json') };
}

interface UpdatedMeta {
  updated: string;
  mirror: string;
}

/** The root from the last `trusted-root update`, if there is one. A damaged one is an error. */
export async function updatedTrustedRoot(): Promise<(LoadedTrustedRoot & UpdatedMeta) | undefined> {
  const paths = updatedRootPaths();
  if (!existsSync(paths.root)) return undefined;
  const meta = (await readJsonFile(paths.meta, 'trusted root metadata')) as Partial<UpdatedMeta>;
  if (typeof meta.updated !== 'string' || typeof meta.mirror !== 'string') {
    throw new SealboxError(
      'TRUSTED_ROOT_INVALID',
      `trusted root metadata ${paths.meta}: is damaged; run 'sealbox trusted-root update' again`,
    );
  }
  const root = parseTrustedRoot(
    await readJsonFile(paths.root, 'trusted root'),
    `public-good root updated ${meta.updated.slice(0, 10)} through TUF (${paths.root})`,
  );
  return { ...root, updated: meta.updated, mirror: meta.mirror };
}

export async function selectTrustedRoots(
  file: string | undefined,
  now = new Date(),
): Promise<RootSelection> {
  if (file !== undefined) {
    return {
      roots: parseTrustedRootText(await readTextFile(file, 'trusted root'), file),
      notes: [],
    };
  }
  const updated = await updatedTrustedRoot();
  const root = updated ?? embeddedTrustedRoot();
  const warning = staleRootWarning(
    updated ? 'updated public-good root' : 'embedded public-good root',
    updated ? updated.updated : EMBEDDED_ROOT_DATE,
    now,
  );
  return { roots: [root], notes: warning ? [warning] : [] };
}

/** Fetches the public-good trusted root through TUF and keeps it in the cache. */
export async function updateTrustedRoot(options: {
  mirror?: string;
  tufRoot?: string;
}): Promise<LoadedTrustedRoot & UpdatedMeta> {
  const mirror = options.mirror ?? DEFAULT_TUF_MIRROR;
  const paths = updatedRootPaths();
  const { getTrustedRoot } = await import('./tuf.ts');
  let fetched: TrustedRoot;
  try {
    fetched = await getTrustedRoot({
      mirrorURL: mirror,
      rootPath: options.tufRoot,
      cachePath: join(cacheDir(), 'tuf'),
      retry: 1,
      timeout: 15_000,
    });
  } catch (e) {
    throw new SealboxError('NETWORK', `trusted root update from ${mirror}: ${describe(e)}`, {
      cause: e,
    });
  }
  const json = TrustedRoot.toJSON(fetched);
  parseTrustedRoot(json, `TUF target from ${mirror}`);
  const updated = new Date().toISOString();
  await mkdir(paths.dir, { recursive: true });
  // Write then rename, so a crash never leaves a half-written root behind.
  await writeFile(`${paths.root}.tmp`, JSON.stringify(json, null, 2) + '\n');
  await writeFile(paths.meta, JSON.stringify({ updated, mirror }, null, 2) + '\n');
  await rename(`${paths.root}.tmp`, paths.root);
  const loaded = await updatedTrustedRoot();
  if (!loaded)
    throw new SealboxError('TRUSTED_ROOT_INVALID', `trusted root ${paths.root}: was not written`);
  return loaded;
}
