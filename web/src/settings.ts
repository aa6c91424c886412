// Whom the page trusts, held in memory only: every visit starts from the
// public defaults (api.github.com, the embedded public-good root). Developer
// mode is the one way to change them, and the banner shows it on every screen.
import { DEFAULT_SETTINGS, isDeveloperMode, type Settings } from '../../src/browser/index.ts';

let current: Settings = DEFAULT_SETTINGS;
const listeners: (() => void)[] = [];

export function settings(): Settings {
  return current;
}

export function setSettings(next: Settings): void {
  current = next;
  for (const l of listeners) l();
}

export function onSettings(listener: () => void): void {
  listeners.push(listener);
}

export function developerMode(): boolean {
  return isDeveloperMode(current);
}

/** The public log has a search page; a log of a root the user chose may not. */
export function publicLog(): boolean {
  return current.trustedRoot === undefined;
}
