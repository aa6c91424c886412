// The evidence pack (`box verify BOX --export DIR`): the box's four files and
// verify.html, the page built as one file (page/verify.html, which the package
// ships), byte for byte. Opened from the folder, the page verifies the box
// with no server and no network. No trusted root goes into the pack: the page
// trusts the public-good root it carries, and any other only when the
// recipient chooses it.
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoxFiles } from '../box/verify.ts';
import { SealboxError } from '../errors.ts';

export const PACK_FILES = [
  'manifest.json',
  'manifest.sigstore.json',
  'result.json',
  'result.sigstore.json',
  'verify.html',
] as const;

/** page/verify.html of the installed package: the nearest folder above this module with a package.json. */
export function verifyPagePath(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'page', 'verify.html');
    if (dirname(dir) === dir)
      throw new SealboxError('INPUT_NOT_FOUND', `verify.html: no package folder above ${from}`);
  }
}

/** Refuses, before any work, a directory the pack cannot be written into without overwriting. */
export async function checkExportDir(dir: string): Promise<void> {
  const s = await stat(dir).catch(() => undefined);
  if (s && !s.isDirectory())
    throw new SealboxError('USAGE', `--export ${dir}: is a file, not a directory`);
  const taken = s ? PACK_FILES.filter((f) => existsSync(join(dir, f))) : [];
  if (taken.length)
    throw new SealboxError(
      'USAGE',
      `--export ${dir}: already holds ${taken.join(', ')}; export into a new or empty directory`,
    );
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n');

/** Writes the pack; returns the paths written. */
export async function writeEvidencePack(dir: string, files: BoxFiles): Promise<string[]> {
  const page = verifyPagePath();
  const html = await readFile(page).catch(() => {
    throw new SealboxError(
      'INPUT_NOT_FOUND',
      `verify.html: not built at ${page} (npm run build makes it)`,
    );
  });
  await checkExportDir(dir);
  await mkdir(dir, { recursive: true });
  const contents: [string, Uint8Array][] = [
    ['manifest.json', files.manifest],
    ['manifest.sigstore.json', json(files.manifestBundle)],
    ['result.json', files.result],
    ['result.sigstore.json', json(files.resultBundle)],
    ['verify.html', html],
  ];
  const written: string[] = [];
  for (const [name, bytes] of contents) {
    const path = join(dir, name);
    // 'wx': never replace a file that appeared since the check.
    await writeFile(path, bytes, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      throw new SealboxError(
        e.code === 'EEXIST' ? 'USAGE' : 'INPUT_UNREADABLE',
        `--export ${dir}: cannot write ${name} (${e.code ?? e.message})`,
      );
    });
    written.push(path);
  }
  return written;
}
