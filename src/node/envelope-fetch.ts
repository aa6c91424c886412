// Fetching envelopes into a content-addressed cache: https:// (http:// only
// to loopback), hf://datasets/ORG/REPO/PATH[@REVISION] (the Hub's resolve
// URL; HF_ENDPOINT overrides the Hub's address, as huggingface_hub honours),
// and file://. Size limit, timeout, limited redirects; the bytes must parse
// as an envelope before they are cached, named by their sha256.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SealboxError, describe } from '../errors.ts';
import { parseEnvelope } from '../envelope/envelope.ts';
import { cacheDir } from './cache-dir.ts';

export interface FetchOptions {
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  /** Where fetched envelopes go; default sealbox's cache folder, fetched/. */
  cache?: string;
}

export interface Fetched {
  url: string;
  path: string;
  sha256: string;
  bytes: number;
}

const DEFAULT_MAX = 16 * 1024 * 1024;

/** Maps hf://datasets/ORG/REPO/PATH[@REVISION] to the Hub's resolve URL. */
export function huggingFaceUrl(
  uri: string,
  endpoint = process.env.HF_ENDPOINT ?? 'https://huggingface.co',
): string {
  const m = /^hf:\/\/datasets\/([^/]+)\/([^/]+)\/(.+?)(?:@([^@/]+))?$/.exec(uri);
  if (!m)
    throw new SealboxError('USAGE', `${uri}: an hf URI is hf://datasets/ORG/REPO/PATH[@REVISION]`);
  const [, org, repo, path, revision] = m;
  const encodedPath = path!.split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/$/, '')}/datasets/${org}/${repo}/resolve/${encodeURIComponent(revision ?? 'main')}/${encodedPath}`;
}

function allowed(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

async function download(
  start: string,
  o: Required<Pick<FetchOptions, 'maxBytes' | 'timeoutMs' | 'maxRedirects'>>,
): Promise<{ url: string; body: Uint8Array }> {
  let url = new URL(start);
  const signal = AbortSignal.timeout(o.timeoutMs);
  for (let hop = 0; ; hop++) {
    if (!allowed(url))
      throw new SealboxError(
        'USAGE',
        `${url.href}: only https (or http on this machine) is fetched`,
      );
    let res: Response;
    try {
      res = await fetch(url, {
        redirect: 'manual',
        signal,
        headers: { accept: 'application/json' },
      });
    } catch (e) {
      const reason =
        (e as Error).name === 'TimeoutError'
          ? `no answer within ${o.timeoutMs / 1000} s`
          : describe((e as Error).cause ?? e);
      throw new SealboxError('NETWORK', `fetch ${start}: ${reason}`);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      if (hop >= o.maxRedirects)
        throw new SealboxError('NETWORK', `fetch ${start}: more than ${o.maxRedirects} redirects`);
      url = new URL(res.headers.get('location')!, url);
      await res.body?.cancel();
      continue;
    }
    if (!res.ok)
      throw new SealboxError('NETWORK', `fetch ${start}: ${res.status} ${res.statusText}`);
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > o.maxBytes)
      throw new SealboxError(
        'INPUT_INVALID',
        `fetch ${start}: ${declared} bytes is over the ${o.maxBytes}-byte limit`,
      );
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > o.maxBytes) {
          throw new SealboxError(
            'INPUT_INVALID',
            `fetch ${start}: over the ${o.maxBytes}-byte limit`,
          );
        }
        chunks.push(chunk);
      }
    } catch (e) {
      if (e instanceof SealboxError) throw e;
      throw new SealboxError(
        'NETWORK',
        `fetch ${start}: ${(e as Error).name === 'TimeoutError' ? `no answer within ${o.timeoutMs / 1000} s` : describe(e)}`,
      );
    }
    return { url: url.href, body: Buffer.concat(chunks) };
  }
}

export async function fetchEnvelope(uri: string, options: FetchOptions = {}): Promise<Fetched> {
  const o = {
    maxBytes: options.maxBytes ?? DEFAULT_MAX,
    timeoutMs: options.timeoutMs ?? 30_000,
    maxRedirects: options.maxRedirects ?? 5,
  };
  let url: string;
  let body: Uint8Array;
  if (uri.startsWith('file://')) {
    url = uri;
    try {
      body = await readFile(fileURLToPath(uri));
    } catch (e) {
      throw new SealboxError('INPUT_NOT_FOUND', `fetch ${uri}: ${describe(e)}`);
    }
    if (body.byteLength > o.maxBytes)
      throw new SealboxError('INPUT_INVALID', `fetch ${uri}: over the ${o.maxBytes}-byte limit`);
  } else {
    const start = uri.startsWith('hf://') ? huggingFaceUrl(uri) : uri;
    if (!/^https?:\/\//.test(start))
      throw new SealboxError('USAGE', `${uri}: fetch takes https://, hf:// or file:// URIs`);
    ({ url, body } = await download(start, o));
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new SealboxError('INPUT_INVALID', `fetch ${uri}: the content is not UTF-8 text`);
  }
  parseEnvelope(text, `fetch ${uri}`); // validated before it is cached
  const sha256 = createHash('sha256').update(body).digest('hex');
  const dir = options.cache ?? join(cacheDir(), 'fetched');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${sha256}.json`);
  await writeFile(`${path}.tmp`, body);
  await rename(`${path}.tmp`, path);
  return { url, path, sha256, bytes: body.byteLength };
}
