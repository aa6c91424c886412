// A commit's files as GitHub's source archive serves them
// (github.com/OWNER/REPO/archive/REF.tar.gz): a gzipped ustar archive whose
// entries sit under one top-level directory, REPO-SHA/.
import { gzipSync } from 'node:zlib';

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, length, 'utf8');
}

/** An octal number field: digits, then NUL. */
function octal(header: Buffer, offset: number, length: number, value: number): void {
  field(header, offset, length - 1, value.toString(8).padStart(length - 1, '0'));
}

/** ustar splits a path longer than 100 bytes into a prefix (up to 155) and a name. */
function splitPath(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new Error(`${path}: too long for a ustar archive`);
}

function header(path: string, size: number, mode: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(BLOCK);
  const [prefix, name] = splitPath(path);
  field(h, 0, 100, name);
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0);
  h.fill(' ', 148, 156); // the checksum counts its own field as spaces
  field(h, 156, 1, type);
  field(h, 257, 6, 'ustar');
  field(h, 263, 2, '00');
  field(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** The archive of `files` (path -> text) under `top/`; scripts (*.sh) executable, as a checkout makes them. */
export function sourceArchive(top: string, files: Map<string, string>): Buffer {
  const parts: Buffer[] = [header(`${top}/`, 0, 0o755, '5')];
  const dirs = new Set<string>();
  for (const [path, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const dir = segments.slice(0, i).join('/');
      if (!dirs.has(dir)) {
        dirs.add(dir);
        parts.push(header(`${top}/${dir}/`, 0, 0o755, '5'));
      }
    }
    const body = Buffer.from(text, 'utf8');
    parts.push(header(`${top}/${path}`, body.length, path.endsWith('.sh') ? 0o755 : 0o644, '0'));
    parts.push(body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return gzipSync(Buffer.concat(parts));
}
