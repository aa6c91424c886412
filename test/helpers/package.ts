// sealbox as users get it: `npm pack`, then npm installs the tarball with no
// network. npm ci leaves the dependencies' tarballs in npm's cache but not
// their registry documents, which npm needs to resolve a package by name; so
// a small registry on 127.0.0.1 answers for exactly the packages the
// lockfile pins for production (their tarballs read from that cache) and for
// the packed sealbox. npm runs on this clone's Node 24 (first on PATH), with
// a scratch cache, and with a preload that ends it if it connects anywhere
// but loopback.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './cli.ts';

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to its end (or kills it after timeoutMs); never throws for a failure. */
export function run(
  command: string,
  args: string[],
  o: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, {
      cwd: o.cwd,
      env: o.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${o.timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, o.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: performance.now() - start });
    });
  });
}

const LOOPBACK_ONLY = new URL('./loopback-only.mjs', import.meta.url).pathname;

/**
 * The environment npm and the installed sealbox run in: this clone's Node
 * first on PATH, the local registry, a scratch cache (and no user npmrc), no
 * audit, no update check; npm may connect to loopback only.
 */
export function npmEnv(registry: string, cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // npm's own settings from the calling npm (npm test) must not leak in.
  for (const [k, v] of Object.entries(process.env))
    if (!/^npm_/i.test(k) && k !== 'NODE_OPTIONS') env[k] = v;
  return {
    ...env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    // The user's own npmrc (a `yes=false`, another registry) stays out.
    npm_config_userconfig: join(cache, 'npmrc'),
    npm_config_registry: registry,
    npm_config_cache: cache,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
    NODE_OPTIONS: `--import=${LOOPBACK_ONLY}`,
  };
}

/** The npm on PATH, run on this clone's Node. */
export function npm(
  args: string[],
  o: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
) {
  return run('npm', args, o);
}

/**
 * `npm pack` of this clone into `dest`; returns the tarball's path. Without
 * its scripts: what it packs (build/, lib/, dist/, page/) is built already
 * (npm ci's prepare; before npm test and npm run bench), and other tests read
 * those folders while this one runs, so it must not rebuild them.
 */
export async function pack(dest: string, cwd = REPO_ROOT): Promise<string> {
  const r = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], {
    cwd,
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
    timeoutMs: 120_000,
  });
  if (r.status !== 0) throw new Error(`npm pack failed:\n${r.stderr}`);
  const [{ filename }] = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as [
    { filename: string },
  ];
  return join(dest, filename);
}

/** The files `npm pack` put in a tarball (paths without the leading package/). */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const r = await run('tar', ['-tzf', tarball]);
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  link?: boolean;
  [field: string]: unknown;
}

// Fields of a lockfile entry that a registry's version document carries too.
const MANIFEST_FIELDS = [
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bin',
  'engines',
  'os',
  'cpu',
  'license',
];

export interface LocalRegistry {
  url: string;
  /** Requests answered, by path (the test can show what npm asked for). */
  served: string[];
  close(): Promise<void>;
}

/**
 * A registry on 127.0.0.1 serving the production packages of this clone's
 * lockfile, their tarballs read from npm's cache (`npmCache`, where npm ci
 * put them), and the given sealbox tarballs.
 */
export async function startLocalRegistry(
  npmCache: string,
  tarballs: { path: string; manifest: Record<string, unknown> }[],
): Promise<LocalRegistry> {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const versions = new Map<string, Map<string, Record<string, unknown>>>();
  const files = new Map<string, () => Buffer>();
  const add = (name: string, version: string, doc: Record<string, unknown>) => {
    if (!versions.has(name)) versions.set(name, new Map());
    versions.get(name)!.set(version, doc);
  };
  let url = '';
  const served: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev || entry.link || !entry.integrity || !entry.version) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const [algorithm, b64] = entry.integrity.split(/-(.*)/s) as [string, string];
    const hex = Buffer.from(b64, 'base64').toString('hex');
    const file = `/-/${algorithm}/${hex}.tgz`;
    // cacache's layout: content-v2/ALGORITHM/xx/yy/rest-of-the-hex-digest.
    const cached = join(
      npmCache,
      '_cacache',
      'content-v2',
      algorithm,
      hex.slice(0, 2),
      hex.slice(2, 4),
      hex.slice(4),
    );
    files.set(file, () => readFileSync(cached));
    const doc: Record<string, unknown> = { name, version: entry.version };
    for (const f of MANIFEST_FIELDS) if (entry[f] !== undefined) doc[f] = entry[f];
    add(name, entry.version, { ...doc, dist: { integrity: entry.integrity, tarballPath: file } });
  }
  for (const t of tarballs) {
    const bytes = readFileSync(t.path);
    const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
    const { name, version } = t.manifest as { name: string; version: string };
    const file = `/-/local/${name}-${version}.tgz`;
    files.set(file, () => bytes);
    add(name, version, { ...t.manifest, dist: { integrity, tarballPath: file } });
  }
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    served.push(path);
    const file = files.get(path);
    if (file) {
      try {
        const body = file();
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return res.end(body);
      } catch {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: `${path}: not in npm's cache (run npm ci)` }));
      }
    }
    const byVersion = versions.get(path.slice(1));
    if (!byVersion) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: 'Not found' }));
    }
    const docs = Object.fromEntries(
      [...byVersion].map(([v, d]) => {
        const { tarballPath, integrity } = d.dist as { tarballPath: string; integrity: string };
        return [v, { ...d, dist: { integrity, tarball: `${url}${tarballPath}` } }];
      }),
    );
    const latest = [...byVersion.keys()].sort(compareVersions).at(-1)!;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name: path.slice(1), 'dist-tags': { latest }, versions: docs }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: `${url}/`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map(Number);
  const pb = b.split(/[.+-]/).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** The package.json inside a packed tarball. */
export async function tarballManifest(tarball: string): Promise<Record<string, unknown>> {
  const r = await run('tar', ['-xzOf', tarball, 'package/package.json']);
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Where npm keeps its cache on this machine (npm ci filled it). */
export async function npmCacheDir(): Promise<string> {
  const r = await run('npm', ['config', 'get', 'cache'], {
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
  });
  if (r.status !== 0) throw new Error(`npm config get cache failed: ${r.stderr}`);
  return r.stdout.trim();
}
