// Batch verification on a worker pool gives the verdicts one-by-one
// verification gives, item by item, check by check.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { itemContext, verifyItem } from '../../src/node/batch-items.ts';
import { readBatch, verifyBatch, VerifierPool } from '../../src/node/batch.ts';
import { policyFromFlags } from '../../src/policy/identity.ts';
import { sealbox } from '../helpers/cli.ts';
import { makeCorpus } from '../helpers/corpus.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
let corpus: string;

test('a corpus with good and tampered items: pool and one-by-one agree exactly', async () => {
  corpus = join(ctx.dir, 'corpus');
  mkdirSync(corpus);
  const names = await makeCorpus(ctx.stack, corpus, 24);
  // Tamper with three: an artifact changed, a bundle's signature changed, a bundle swapped.
  writeFileSync(join(corpus, names[3]!), 'changed after signing');
  const b5 = JSON.parse(readFileSync(join(corpus, `${names[5]}.sigstore.json`), 'utf8'));
  b5.dsseEnvelope.signatures[0].sig = Buffer.from('x'.repeat(64)).toString('base64');
  writeFileSync(join(corpus, `${names[5]}.sigstore.json`), JSON.stringify(b5));
  writeFileSync(
    join(corpus, `${names[7]}.sigstore.json`),
    readFileSync(join(corpus, `${names[8]}.sigstore.json`)),
  );
  writeFileSync(join(corpus, `${names[9]}.sigstore.json`), '{"not": "a bundle"}');

  const items = await readBatch(corpus);
  const init = {
    policy: { kind: 'identity' as const, identity: policyFromFlags({ repo: 'demo/sealbox' }) },
    trustedRootText: readFileSync(ctx.stack.trustedRootPath, 'utf8'),
    requireTlog: true,
  };
  const pooled = await verifyBatch(items, { ...init, workers: 2, chunk: 5 });
  const single = itemContext(init);
  const oneByOne = [];
  for (const item of items) oneByOne.push(await verifyItem(item, single));
  assert.deepEqual(pooled, oneByOne);
  const failed = pooled.filter((r) => !r.ok).map((r) => r.label);
  assert.deepEqual(failed, [names[3], names[5], names[7], names[9]]);
  assert.match(pooled[9]!.error!, /media type/);

  // This thread and two started workers, small chunks: each verifies some, and the
  // verdicts are the same whichever thread gave them.
  const pool = new VerifierPool(init, 3);
  try {
    await pool.ready();
    const heard: number[] = [];
    const all = await pool.verify(items, 2, undefined, (i) => heard.push(i));
    assert.deepEqual(all, oneByOne);
    assert.deepEqual(
      heard.sort((a, b) => a - b),
      items.map((_, i) => i),
    );
    assert.equal(pool.shares.length, 3);
    assert.ok(
      pool.shares.every((n) => n > 0),
      `each thread verified some: ${pool.shares.join(', ')}`,
    );
    assert.equal(
      pool.shares.reduce((a, b) => a + b),
      items.length,
    );
  } finally {
    await pool.close();
  }
});

test('the CLI reports each item and a summary; exit 1 when any fails', async () => {
  const r = await sealbox([
    'verify-batch',
    corpus,
    '--repo',
    'demo/sealbox',
    '--trusted-root',
    ctx.stack.trustedRootPath,
    '--workers',
    '2',
  ]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^20 passed, 4 failed \(24 bundles in [\d.]+ s\)$/m);
  const json = await sealbox([
    'verify-batch',
    corpus,
    '--repo',
    'demo/sealbox',
    '--trusted-root',
    ctx.stack.trustedRootPath,
    '--format',
    'json',
  ]);
  const out = JSON.parse(json.stdout);
  assert.equal(out.total, 24);
  assert.equal(out.passed, 20);
  // Each item's verdict equals `sealbox verify` on that item alone.
  for (const item of out.results.slice(0, 6)) {
    const one = await sealbox([
      'verify',
      join(corpus, item.label),
      '--bundle',
      join(corpus, `${item.label}.sigstore.json`),
      '--repo',
      'demo/sealbox',
      '--trusted-root',
      ctx.stack.trustedRootPath,
      '--format',
      'json',
    ]);
    assert.equal(one.status === 0, item.ok, item.label);
    assert.deepEqual(JSON.parse(one.stdout).checks, item.checks);
  }
});

test('JSON Lines batches name artifacts relative to the file, or by digest', async () => {
  const lines = ['artifact-00000.txt', 'artifact-00001.txt'].map((name, i) => {
    const bundle = JSON.parse(readFileSync(join(corpus, `${name}.sigstore.json`), 'utf8'));
    return JSON.stringify({
      artifact: i === 0 ? `corpus/${name}` : `sha256:${'0'.repeat(64)}`,
      bundle,
    });
  });
  const file = join(ctx.dir, 'batch.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  const r = await sealbox([
    'verify-batch',
    file,
    '--repo',
    'demo/sealbox',
    '--trusted-root',
    ctx.stack.trustedRootPath,
    '--format',
    'json',
  ]);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(
    out.results.map((x: { ok: boolean }) => x.ok),
    [true, false],
  );
  assert.equal(
    out.results[1].checks.find((c: { name: string }) => c.name === 'artifact').ok,
    false,
  );
});

test('bad batch input is one line and exit 2: too many workers, a JSON Lines bundle nested too deeply', async () => {
  const many = await sealbox([
    'verify-batch',
    corpus,
    '--repo',
    'demo/sealbox',
    '--workers',
    '257',
  ]);
  assert.equal(many.status, 2, many.stderr);
  assert.match(many.stderr, /--workers 257: give a whole number from 1 to 256/);
  const file = join(ctx.dir, 'deep.jsonl');
  writeFileSync(
    file,
    `{"artifact": "sha256:${'0'.repeat(64)}", "bundle": ${'['.repeat(200_000)}${']'.repeat(200_000)}}\n`,
  );
  const deep = await sealbox(['verify-batch', file, '--repo', 'demo/sealbox']);
  assert.equal(deep.status, 2, deep.stderr);
  assert.match(deep.stderr, /line 1's bundle is nested too deeply/);
  assert.doesNotMatch(deep.stderr, /\n\s+at /);
});
