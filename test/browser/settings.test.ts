// The page's trust settings, in the browser entry: public defaults, developer
// mode only when something differs, and the embedded root's age warning (the
// CLI's 180-day rule).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_SETTINGS,
  EMBEDDED_ROOT_DATE,
  embeddedRootWarning,
  isDeveloperMode,
  trustedRoots,
} from '../../src/browser/index.ts';

test('public defaults; developer mode when the API or the root differs', () => {
  assert.equal(isDeveloperMode(DEFAULT_SETTINGS), false);
  assert.equal(isDeveloperMode({ apiUrl: 'http://127.0.0.1:1/api' }), true);
  assert.equal(
    isDeveloperMode({ ...DEFAULT_SETTINGS, trustedRoot: { label: 'x', text: '{}' } }),
    true,
  );
  assert.match(trustedRoots(DEFAULT_SETTINGS)[0]!.source, /embedded public-good root/);
  assert.equal(trustedRoots(DEFAULT_SETTINGS), trustedRoots(DEFAULT_SETTINGS), 'parsed once');
  assert.throws(
    () => trustedRoots({ ...DEFAULT_SETTINGS, trustedRoot: { label: 'mine.json', text: '{}' } }),
    /mine\.json/,
  );
});

test('the embedded root warns past 180 days, as the CLI', () => {
  const day = 86_400_000;
  const taken = Date.parse(EMBEDDED_ROOT_DATE);
  assert.equal(embeddedRootWarning(new Date(taken + 180 * day)), undefined);
  assert.match(
    embeddedRootWarning(new Date(taken + 200 * day)) ?? '',
    /is 200 days old \(over 180\)/,
  );
});
