// gzip through the Web Streams API (Node and browsers alike), with a bound on
// what decompression may produce: a result read from a public issue must not
// be able to expand into all of memory.
import { SealboxError } from '../errors.ts';

/** Results larger than this are refused when read back (a box result is far smaller). */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

async function drain(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new SealboxError('INPUT_INVALID', `compressed result: inflates past ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const through = (bytes: Uint8Array, t: CompressionStream | DecompressionStream) =>
  new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(t as unknown as ReadableWritablePair<Uint8Array, Uint8Array<ArrayBuffer>>);

export function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return drain(through(bytes, new CompressionStream('gzip')), Number.MAX_SAFE_INTEGER);
}

export async function gunzip(bytes: Uint8Array, limit = MAX_INFLATED_BYTES): Promise<Uint8Array> {
  try {
    return await drain(through(bytes, new DecompressionStream('gzip')), limit);
  } catch (e) {
    if (e instanceof SealboxError) throw e;
    throw new SealboxError('INPUT_INVALID', `compressed result: not valid gzip`);
  }
}
