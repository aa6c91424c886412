// Which trusted roots a verification uses, on Node. Offline unless asked:
// 1. --trusted-root FILE (one root, or JSON Lines of several): only those, each tried; else
// 2. one root per Sigstore instance (src/sigstore/instances.ts), each bundle
//    verified against the root of the instance that issued it, as gh does:
//    - public-good: the root the last `sealbox trusted-root update` fetched
//      through TUF, else the embedded snapshot;
//    - GitHub's instance: the root `sealbox trusted-root update --instance github`
//      fetched, if it ever ran (nothing signed by GitHub's keys ships offline).
// Cached roots are labelled by the TUF repository they came from: a root
// fetched from a mirror is never called public-good or GitHub's.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { SealboxError, describe } from '../errors.ts';
import {
  EMBEDDED_ROOT_DATE,
  embeddedTrustedRoot,
  staleRootWarning,
} from '../sigstore/embedded-root.ts';
import {
  INSTANCES,
  INSTANCE_NAMES,
  isInstanceName,
  type InstanceName,
} from '../sigstore/instances.ts';
import {
  parseTrustedRoot,
  parseTrustedRootText,
  type LoadedTrustedRoot,
} from '../sigstore/trusted-root.ts';
import { cacheDir } from './cache-dir.ts';
import { readTextFile } from './files.ts';

export const DEFAULT_TUF_MIRROR = INSTANCES['public-good'].tufRepository;

export interface RootSelection {
  roots: LoadedTrustedRoot[];
  /** Warnings for the user (a stale root); printed on stderr or in JSON notes. */
  notes: string[];
}

/** What `trusted-root update` records beside a root it fetched. */
export interface CachedRootMeta {
  instance: InstanceName;
  /** The TUF repository it came from (the instance's own, or a --mirror). */
  repository: string;
  /** When it was fetched (ISO 8601). */
  updated: string;
}

export type CachedRoot = LoadedTrustedRoot & CachedRootMeta & { path: string };

/** The command that refreshes an instance's cached root. */
export const updateCommandFor = (instance: InstanceName) =>
  instance === 'public-good'
    ? 'sealbox trusted-root update'
    : `sealbox trusted-root update --instance ${instance}`;

function cachePaths(instance: InstanceName) {
  const dir = join(cacheDir(), 'trusted-roots', instance);
  return { dir, root: join(dir, 'trusted_root.json'), meta: join(dir, 'updated.json') };
}

/**
 * A cached root's label: by the repository it came from. Only a root from the
 * instance's own TUF repository is called the instance's root.
 */
export function cachedRootLabel(meta: CachedRootMeta): string {
  const date = meta.updated.slice(0, 10);
  return meta.repository === INSTANCES[meta.instance].tufRepository
    ? `${INSTANCES[meta.instance].rootLabel} updated ${date} through TUF from ${meta.repository}`
    : `root from the TUF repository ${meta.repository}, updated ${date}`;
}

function readJsonSync(path: string, what: string, instance: InstanceName): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SealboxError(
      'INPUT_UNREADABLE',
      `${what} ${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? describe(e)}); run '${updateCommandFor(instance)}' again`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new SealboxError(
      'TRUSTED_ROOT_INVALID',
      `${what} ${path}: is damaged; run '${updateCommandFor(instance)}' again`,
    );
  }
}

/** The root cached for an instance, if there is one. A damaged one is an error, never skipped. */
export function cachedTrustedRoot(instance: InstanceName): CachedRoot | undefined {
  const paths = cachePaths(instance);
  if (!existsSync(paths.root)) return undefined;
  const meta = readJsonSync(paths.meta, 'trusted root metadata', instance) as Partial<
    Record<keyof CachedRootMeta, unknown>
  >;
  if (
    meta.instance !== instance ||
    typeof meta.repository !== 'string' ||
    typeof meta.updated !== 'string' ||
    Number.isNaN(Date.parse(meta.updated))
  ) {
    throw new SealboxError(
      'TRUSTED_ROOT_INVALID',
      `trusted root metadata ${paths.meta}: is damaged; run '${updateCommandFor(instance)}' again`,
    );
  }
  const valid = { instance, repository: meta.repository, updated: meta.updated };
  const root = parseTrustedRoot(
    readJsonSync(paths.root, 'trusted root', instance),
    cachedRootLabel(valid),
  );
  return { ...root, ...valid, path: paths.root };
}

/** Every cached root, one per instance that has one. */
export function cachedTrustedRoots(): CachedRoot[] {
  return INSTANCE_NAMES.flatMap((instance) => cachedTrustedRoot(instance) ?? []);
}

/**
 * The roots sealbox chooses when none is given: per instance, the cached
 * root, else (public-good only) the embedded snapshot; with a warning for
 * each one older than the limit. Synchronous, so a worker thread can call it.
 */
export function defaultTrustedRoots(now = new Date()): RootSelection {
  const roots: LoadedTrustedRoot[] = [];
  const notes: string[] = [];
  for (const instance of INSTANCE_NAMES) {
    const cached = cachedTrustedRoot(instance);
    if (cached) {
      roots.push(cached);
      const warning = staleRootWarning(
        cached.source,
        cached.updated,
        now,
        updateCommandFor(instance),
      );
      if (warning) notes.push(warning);
    } else if (instance === 'public-good') {
      roots.push({ ...embeddedTrustedRoot(), instance });
      const warning = staleRootWarning('embedded public-good root', EMBEDDED_ROOT_DATE, now);
      if (warning) notes.push(warning);
    }
  }
  return { roots, notes };
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
  return defaultTrustedRoots(now);
}

function parseMirror(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SealboxError('USAGE', `--mirror ${url}: is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new SealboxError('USAGE', `--mirror ${url}: is not an http(s) URL`);
  return url.replace(/\/+$/, '');
}

/** An error and its causes in one line ("error refreshing TUF metadata: fetch failed: connect ECONNREFUSED ..."). */
function causes(e: unknown): string {
  const parts: string[] = [];
  for (let c = e, depth = 0; c !== undefined && c !== null && depth < 4; depth++) {
    const text = describe(c);
    if (!parts.includes(text)) parts.push(text);
    c = (c as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}

export interface UpdateOptions {
  /** public-good (default) or github. */
  instance?: string;
  /** A TUF repository other than the instance's own. */
  mirror?: string;
  /** The TUF root.json to start from instead of the instance's. */
  tufRoot?: string;
}

/** Fetches an instance's trusted root through TUF and keeps it in the cache. */
export async function updateTrustedRoot(options: UpdateOptions): Promise<CachedRoot> {
  const instance = options.instance ?? 'public-good';
  if (!isInstanceName(instance))
    throw new SealboxError(
      'USAGE',
      `--instance ${instance}: unknown Sigstore instance; use ${INSTANCE_NAMES.join(' or ')}`,
    );
  const repository =
    options.mirror === undefined ? INSTANCES[instance].tufRepository : parseMirror(options.mirror);
  const { getTrustedRoot, initialTufRoot, checkTufRoot } = await import('./tuf.ts');
  // TUF state per instance, so that one repository's metadata never seeds another's.
  const tufCache = join(cacheDir(), 'tuf', instance);
  let rootPath: string | undefined;
  if (options.tufRoot !== undefined) {
    checkTufRoot(await readTextFile(options.tufRoot, 'TUF root'), `TUF root ${options.tufRoot}`);
    rootPath = options.tufRoot;
  } else if (repository !== DEFAULT_TUF_MIRROR || instance !== 'public-good') {
    // Sigstore's TUF package seeds only its own repository; anything else
    // starts from the instance's TUF root, written where the client reads it.
    await mkdir(tufCache, { recursive: true });
    rootPath = join(tufCache, 'initial-root.json');
    await writeFile(rootPath, initialTufRoot(instance));
  }
  let fetched: TrustedRoot;
  try {
    fetched = await getTrustedRoot({
      mirrorURL: repository,
      rootPath,
      // A root given explicitly replaces what an earlier update trusted.
      forceInit: options.tufRoot !== undefined,
      cachePath: tufCache,
      retry: 1,
      timeout: 15_000,
    });
  } catch (e) {
    throw new SealboxError('NETWORK', `trusted root update from ${repository}: ${causes(e)}`, {
      cause: e,
    });
  }
  const json = TrustedRoot.toJSON(fetched);
  parseTrustedRoot(json, `TUF target trusted_root.json from ${repository}`);
  const meta: CachedRootMeta = { instance, repository, updated: new Date().toISOString() };
  const paths = cachePaths(instance);
  await mkdir(paths.dir, { recursive: true });
  // Each file written beside its place and renamed into it, the root first:
  // a crash never leaves a half-written file, at worst an older date.
  await writeFile(`${paths.root}.tmp`, JSON.stringify(json, null, 2) + '\n');
  await writeFile(`${paths.meta}.tmp`, JSON.stringify(meta, null, 2) + '\n');
  await rename(`${paths.root}.tmp`, paths.root);
  await rename(`${paths.meta}.tmp`, paths.meta);
  const loaded = cachedTrustedRoot(instance);
  if (!loaded)
    throw new SealboxError('TRUSTED_ROOT_INVALID', `trusted root ${paths.root}: was not written`);
  return loaded;
}
