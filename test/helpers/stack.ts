// Starts the local stack for a test file on a free port, in a scratch state
// directory, and stops it (and removes the scratch) when the file is done.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { DevStack } from '../../src/devstack/stack.ts';

export interface StackFixture {
  stack: DevStack;
  /** A scratch directory for the test's files. */
  dir: string;
}

export function useStack(): StackFixture {
  const fixture = {} as StackFixture;
  let scratch: string;
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'sealbox-stack-'));
    fixture.dir = scratch;
    fixture.stack = await DevStack.start({ stateDir: join(scratch, 'state') });
  });
  after(async () => {
    await fixture.stack?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });
  return fixture;
}
