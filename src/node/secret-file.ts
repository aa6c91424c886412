// Files a participant keeps: written new (never over an existing file), a
// secret one with mode 0600 from its creation, and replaced in place through
// a temporary file of the same mode so that it is never half-written or, for
// a moment, readable by others.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { SealboxError } from '../errors.ts';

/** Refuses (exit 2) a path that exists: sealbox never overwrites a key or a kept file. */
export function refuseExisting(path: string, what: string): void {
  if (existsSync(path))
    throw new SealboxError('USAGE', `${what} ${path}: exists; sealbox never overwrites it`);
}

/** Writes a new file: mode 0600 when `secret`, else 0644. */
export async function writeNewFile(
  path: string,
  text: string,
  what: string,
  secret: boolean,
): Promise<void> {
  try {
    await writeFile(path, text, { flag: 'wx', mode: secret ? 0o600 : 0o644 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new SealboxError('USAGE', `${what} ${path}: exists; sealbox never overwrites it`);
    throw new SealboxError('INPUT_UNREADABLE', `${what} ${path}: cannot be written (${code})`);
  }
}

/**
 * Writes a new file at `NAME.EXT`, or else `NAME-2.EXT`, `NAME-3.EXT`, ...:
 * the first free name, claimed atomically (two processes never take the
 * same one). Returns the path written.
 */
export async function writeNumberedFile(
  name: string,
  ext: string,
  text: string,
  what: string,
  secret: boolean,
): Promise<string> {
  for (let n = 1; ; n++) {
    const path = n === 1 ? `${name}${ext}` : `${name}-${n}${ext}`;
    try {
      await writeFile(path, text, { flag: 'wx', mode: secret ? 0o600 : 0o644 });
      return path;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && n < 1000) continue;
      throw new SealboxError('INPUT_UNREADABLE', `${what} ${path}: cannot be written (${code})`);
    }
  }
}

/** Replaces a secret file sealbox wrote, atomically, keeping mode 0600. */
export async function replaceSecretFile(path: string, text: string, what: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeNewFile(temporary, text, what, true);
  try {
    await rename(temporary, path);
  } catch (e) {
    await rm(temporary, { force: true });
    throw new SealboxError(
      'INPUT_UNREADABLE',
      `${what} ${path}: cannot be replaced (${(e as NodeJS.ErrnoException).code})`,
    );
  }
}
