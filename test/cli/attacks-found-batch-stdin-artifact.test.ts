// Found by adversarial testing (wip/adv16b): in a JSON Lines batch, an item's
// artifact is joined to the batch file's directory (readBatch in
// src/node/batch.ts). For a batch file in the current directory that
// directory is ".", and join(".", "-") is "-": resolveArtifact then reads
// standard input. On the calling thread that is the process's standard
// input; on a worker thread it is the worker's own, empty, standard input.
// So the same item's verdict depends on which thread ran it: with standard
// input holding the signed artifact, `--workers 1` passes all 40 items, while
// `--workers 2` or `3` fails some (ARTIFACT_MISMATCH against the sha256 of
// nothing, e3b0c442...), a different number from run to run. The pool's
// promise (batch.ts: "verdicts do not depend on which thread ran an item")
// does not hold. Expected: one verdict per item whatever --workers is.
// Decided: a batch's artifact is always a path (or a digest), never standard
// input: `-` is a file of that name beside the batch, as any other relative
// path is, on every thread.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sealbox } from '../helpers/cli.ts';
import { CONFORMANCE_DIR, DEFAULT_IDENTITY } from '../helpers/conformance.ts';

const ITEMS = 40;
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sealbox-batch-stdin-'));
  const bundle = JSON.parse(
    readFileSync(join(CONFORMANCE_DIR, 'happy-path-v0.3/bundle.sigstore.json'), 'utf8'),
  );
  let lines = '';
  for (let i = 0; i < ITEMS; i++) lines += `${JSON.stringify({ artifact: '-', bundle })}\n`;
  writeFileSync(join(dir, 'items.jsonl'), lines);
  // The file named `-` beside the batch; standard input holds other bytes.
  writeFileSync(join(dir, '-'), readFileSync(join(CONFORMANCE_DIR, 'a.txt')));
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function run(workers: string) {
  return sealbox(
    ['verify-batch', 'items.jsonl', '--cert-identity', DEFAULT_IDENTITY, '--workers', workers],
    {},
    { cwd: dir, input: 'not the artifact\n' },
  );
}

test('control: --workers 1 (every item on the calling thread) passes every item, read from the file named -', async () => {
  const r = await run('1');
  assert.match(r.stdout, new RegExp(`^${ITEMS} passed, 0 failed`, 'm'), r.stdout + r.stderr);
  assert.equal(r.status, 0);
});

for (const workers of ['2', '3']) {
  test(`--workers ${workers}: the same items get the same verdicts as with --workers 1`, async () => {
    const r = await run(workers);
    assert.doesNotMatch(r.stdout, /ARTIFACT_MISMATCH/, r.stdout);
    assert.match(r.stdout, new RegExp(`^${ITEMS} passed, 0 failed`, 'm'), r.stdout + r.stderr);
    assert.equal(r.status, 0);
  });
}
