// Files and artifacts on Node: every failure becomes one clear line naming the
// input and the reason.
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  createReadStream,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { SealboxError } from '../errors.ts';
import type { Artifact } from '../sigstore/verify-bundle.ts';

function fileError(e: unknown, what: string, path: string): SealboxError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new SealboxError('INPUT_NOT_FOUND', `${what} ${path}: no such file`);
  if (code === 'EISDIR')
    return new SealboxError('INPUT_INVALID', `${what} ${path}: is a directory, not a file`);
  if (code === 'EACCES' || code === 'EPERM') {
    return new SealboxError('INPUT_UNREADABLE', `${what} ${path}: permission denied`);
  }
  return new SealboxError(
    'INPUT_UNREADABLE',
    `${what} ${path}: cannot be read (${code ?? 'error'})`,
  );
}

/** `-` names standard input wherever a file is read, as gh, cosign and age take it. */
export const STDIN = '-';

let stdin: { what: string; bytes: Promise<Buffer> } | undefined;

/** A stream read whole, up to maxBytes (`where` names it in the error). */
async function readStreamBounded(
  stream: NodeJS.ReadableStream,
  where: string,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    const chunk = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    size += chunk.length;
    if (size > maxBytes)
      throw new SealboxError('INPUT_INVALID', `${where}: is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Standard input, read once, for one input of the command (read again for
 * that input, it gives the same bytes; a second input given as `-` is a usage
 * error). A terminal is refused: nobody means to type a bundle.
 */
export function readStdin(
  what: string,
  stream: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
  maxBytes = MAX_INPUT_BYTES,
): Promise<Buffer> {
  if (stdin) {
    if (stdin.what !== what)
      throw new SealboxError(
        'USAGE',
        `${what} -: standard input is already the ${stdin.what}; only one input can be -`,
      );
    return stdin.bytes;
  }
  if (stream.isTTY)
    throw new SealboxError(
      'USAGE',
      `${what} -: reads standard input, which is a terminal; pipe the ${what} in or name a file`,
    );
  const bytes = readStreamBounded(stream, `${what} on standard input`, maxBytes);
  stdin = { what, bytes };
  return bytes;
}

/** What a small input (a bundle, a root, a key, a document) may weigh at most, by default. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a whole regular file of at most `maxBytes` (evidence handed to a
 * verifier may be a link to /dev/zero, a named pipe or a sparse giant): it is
 * opened without blocking, refused unless a regular file, and never read
 * past the bound.
 */
export async function readBoundedFile(
  path: string,
  what: string,
  maxBytes = MAX_INPUT_BYTES,
): Promise<Uint8Array> {
  // Synchronous: small inputs, read at start-up, where each round trip counts.
  return readBoundedFileSync(path, what, maxBytes);
}

/** readBoundedFile for callers that cannot wait. */
export function readBoundedFileSync(
  path: string,
  what: string,
  maxBytes = MAX_INPUT_BYTES,
): Uint8Array {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!stat.isFile())
      throw new SealboxError('INPUT_INVALID', `${what} ${path}: is not a regular file`);
    const tooLarge = () =>
      new SealboxError('INPUT_INVALID', `${what} ${path}: is larger than ${maxBytes} bytes`);
    if (stat.size > maxBytes) throw tooLarge();
    // One byte more than the file should hold: a file that grew while read is caught.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (let n; (n = readSync(fd, buffer, length, buffer.length - length, length)) > 0;) {
      length += n;
      if (length === buffer.length)
        throw length > maxBytes
          ? tooLarge()
          : new SealboxError('INPUT_INVALID', `${what} ${path}: changed while it was read`);
    }
    return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
  } catch (e) {
    if (e instanceof SealboxError) throw e;
    throw fileError(e, what, path);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Text, strictly UTF-8; anything else is an input error naming the input. */
export function utf8(bytes: Uint8Array, what: string, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SealboxError(
      'INPUT_INVALID',
      `${what} ${path === STDIN ? 'on standard input' : path}: is not UTF-8 text`,
    );
  }
}

/** Reads a whole text file (bundles, roots, keys: small inputs), or standard input for `-`. */
export async function readTextFile(
  path: string,
  what: string,
  maxBytes = MAX_INPUT_BYTES,
): Promise<string> {
  if (path === STDIN) return utf8(await readStdin(what, process.stdin, maxBytes), what, path);
  return utf8(await readBoundedFile(path, what, maxBytes), what, path);
}

/** Reads and parses a JSON file (or standard input for `-`). */
export async function readJsonFile(
  path: string,
  what: string,
  maxBytes = MAX_INPUT_BYTES,
): Promise<unknown> {
  const text = await readTextFile(path, what, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new SealboxError(
      'INPUT_INVALID',
      `${what} ${path === STDIN ? 'on standard input' : path}: is not JSON`,
    );
  }
}

const SMALL_FILE = 1024 * 1024;
const DIGEST = /^(sha256|sha512):([0-9a-fA-F]+)$/;
const DIGEST_LENGTH = { sha256: 64, sha512: 128 } as const;

/** An artifact whose bytes are held in memory (standard input, a pipe): hashed, and read from there. */
function heldArtifact(label: string, bytes: Buffer): Artifact {
  return {
    label,
    digests: {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sha512: createHash('sha512').update(bytes).digest('hex'),
    },
    size: bytes.length,
    read: async () => new Uint8Array(bytes),
  };
}

/**
 * Resolves ARTIFACT_OR_DIGEST: `sha256:HEX` or `sha512:HEX` when it has that
 * form and is not a path on disk, otherwise a file hashed streaming (sha256
 * and sha512 in one pass), never read whole unless a verifier asks.
 */
export async function resolveArtifact(arg: string): Promise<Artifact> {
  if (arg === STDIN) return heldArtifact('standard input', await readStdin('artifact'));
  const m = DIGEST.exec(arg);
  if (m && !existsSync(arg)) {
    const alg = m[1] as 'sha256' | 'sha512';
    const hex = m[2]!.toLowerCase();
    if (hex.length !== DIGEST_LENGTH[alg]) {
      throw new SealboxError(
        'INPUT_INVALID',
        `artifact digest ${arg}: a ${alg} digest has ${DIGEST_LENGTH[alg]} hex digits, not ${hex.length}`,
      );
    }
    return { label: `${alg}:${hex}`, digests: { [alg]: hex } };
  }
  try {
    const stat = statSync(arg);
    if (stat.isDirectory()) {
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    if (!stat.isFile()) {
      // A pipe (`<(...)`, /dev/stdin) can be read once only: its bytes are kept for the
      // signature check, up to the bound standard input has.
      return heldArtifact(
        arg,
        await readStreamBounded(createReadStream(arg), `artifact ${arg}`, MAX_INPUT_BYTES),
      );
    }
    const sha256 = createHash('sha256');
    const sha512 = createHash('sha512');
    if (stat.size <= SMALL_FILE) {
      // One read beats a stream's set-up for small files (batches are full of them).
      const bytes = readFileSync(arg);
      sha256.update(bytes);
      sha512.update(bytes);
    } else {
      for await (const chunk of createReadStream(arg)) {
        sha256.update(chunk as Buffer);
        sha512.update(chunk as Buffer);
      }
    }
    return {
      label: arg,
      digests: { sha256: sha256.digest('hex'), sha512: sha512.digest('hex') },
      size: stat.size,
      read: async () => new Uint8Array(readFileSync(arg)),
    };
  } catch (e) {
    throw fileError(e, 'artifact', arg);
  }
}
