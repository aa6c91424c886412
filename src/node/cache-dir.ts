// sealbox's folder in the user's cache directory.
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export function cacheDir(): string {
  const override = process.env.SEALBOX_CACHE_DIR;
  if (override) return override;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, 'sealbox');
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Caches', 'sealbox');
  if (platform() === 'win32' && process.env.LOCALAPPDATA) {
    return join(process.env.LOCALAPPDATA, 'sealbox', 'Cache');
  }
  return join(homedir(), '.cache', 'sealbox');
}
