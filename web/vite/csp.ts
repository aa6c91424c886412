// The page's Content-Security-Policy, one per build:
// - published (`vite build web`): scripts and styles from its own origin,
//   requests to api.github.com only;
// - developer (`vite build web --mode developer`, web/dist-developer): the
//   same, plus plain http to this machine, for `sealbox dev up`'s local API;
// - pack (`vite build web --mode pack`, page/verify.html): one file with its
//   script and style inline, allowed by their SHA-256 hashes (a file:// page
//   has no origin to name), requests to api.github.com only.
import { createHash } from 'node:crypto';

export type PageBuild = 'published' | 'developer' | 'pack';

export const PUBLIC_API_ORIGIN = 'https://api.github.com';
const LOOPBACK = ['http://127.0.0.1:*', 'http://localhost:*', 'http://[::1]:*'];

/** The build a Vite mode makes. */
export function pageBuild(mode: string): PageBuild {
  if (mode === 'developer' || mode === 'pack') return mode;
  return 'published';
}

export function hashSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function contentSecurityPolicy(
  build: PageBuild,
  inline: { scripts: string[]; styles: string[] } = { scripts: [], styles: [] },
): string {
  const connect = [PUBLIC_API_ORIGIN, ...(build === 'developer' ? LOOPBACK : [])];
  const own =
    build === 'pack'
      ? {
          script: inline.scripts.map(hashSource),
          style: inline.styles.map(hashSource),
          img: ['data:'],
          default: ["'none'"],
        }
      : { script: ["'self'"], style: ["'self'"], img: ["'self'", 'data:'], default: ["'self'"] };
  return [
    `default-src ${own.default.join(' ')}`,
    `script-src ${own.script.join(' ') || "'none'"}`,
    `style-src ${own.style.join(' ') || "'none'"}`,
    `img-src ${own.img.join(' ')}`,
    `connect-src ${connect.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
