// A stack that fails to start leaves nothing running: its server, already
// listening when the failure comes, is closed, so the process can end with
// the error instead of hanging behind it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DevStack } from '../../src/devstack/stack.ts';

const dir = mkdtempSync(join(tmpdir(), 'sealbox-start-failure-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Listening servers, once closes in progress have finished.
async function servers(): Promise<number> {
  await new Promise((r) => setImmediate(r));
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
}

test('a start that fails after listening closes its server', async () => {
  const stateDir = join(dir, 'state');
  // The stack writes signing_config.json last, after it listens: a directory there fails it.
  mkdirSync(join(stateDir, 'signing_config.json'), { recursive: true });
  const before = await servers();
  await assert.rejects(DevStack.start({ stateDir }), /EISDIR|illegal operation on a directory/);
  assert.equal(await servers(), before);
});

test('a stack that started holds a server until stopped (control)', async () => {
  const before = await servers();
  const stack = await DevStack.start({ stateDir: join(dir, 'good') });
  assert.equal(await servers(), before + 1);
  await stack.stop();
  assert.equal(await servers(), before);
});
