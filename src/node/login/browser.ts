// Opening the system browser, when there is one: the command in BROWSER (as
// git and Python read it), else `open` on macOS, the URL handler on Windows,
// and xdg-open on a graphical Linux or BSD session. Never through a shell,
// so nothing in the URL is interpreted. Whether or not it opens, the URL is
// printed too.
import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';

function command(url: string, env: NodeJS.ProcessEnv): [string, string[]] | undefined {
  const chosen = env.BROWSER?.split(delimiter).find((c) => c.trim());
  if (chosen) return [chosen.trim(), [url]];
  if (process.platform === 'darwin') return ['open', [url]];
  if (process.platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  // Without a display, xdg-open would start a text browser in this terminal.
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return ['xdg-open', [url]];
  return undefined;
}

/** Starts a browser on `url`; false when this machine shows none. */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const c = command(url, env);
  if (!c) return false;
  try {
    const child = spawn(c[0], c[1], { detached: true, stdio: 'ignore', env });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
