// Envelope corpus: 1,000 dev-key InferenceBench envelopes made here, verified
// on the worker pool (as `sealbox envelope verify DIR` does) against the
// baseline of verifying them one by one in one process with the same function.
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash, parseEnvelope } from '../src/envelope/envelope.ts';
import { envelopeContext, verifyEnvelopeFile } from '../src/node/batch-worker.ts';
import { VerifierPool } from '../src/node/batch.ts';

const count = Number(process.env.BENCH_ENVELOPES ?? 1000);
const workers = Number(process.env.BENCH_WORKERS ?? availableParallelism());
const scratch = mkdtempSync(join(tmpdir(), 'sealbox-bench-envelopes-'));
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const anchor = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const template = JSON.parse(
  readFileSync(
    new URL('../../shared/fixtures/inferencebench/envelopes/010e9504589b.json', import.meta.url),
    'utf8',
  ),
);
delete template.signature;
const items = [];
for (let i = 0; i < count; i++) {
  const body = { ...template, run_id: `bench-${i}`, seed: i };
  const hash = await contentHash(parseEnvelope(JSON.stringify(body), `bench-${i}`));
  const signature = {
    method: 'dev-key',
    certificate: anchor,
    rekor_log_index: -1,
    bundle: sign(null, Buffer.from(hash), privateKey).toString('base64'),
  };
  const path = join(scratch, `e-${String(i).padStart(5, '0')}.json`);
  writeFileSync(path, JSON.stringify({ ...body, signature }, null, 2));
  items.push({ label: path, path });
}
const init = { kind: 'envelope', devKeys: [{ label: 'bench', pem: anchor }], requireTlog: true };

let t = performance.now();
const ctx = envelopeContext(init);
const oneByOne = [];
for (const item of items) oneByOne.push(await verifyEnvelopeFile(item, ctx));
const baseline = performance.now() - t;

t = performance.now();
const pool = new VerifierPool(init, workers, new URL('../build/batch-worker.js', import.meta.url));
const pooled = await pool.verify(items, 8);
const withStartup = performance.now() - t;
await pool.close();

const same = pooled.every((r, i) => JSON.stringify(r) === JSON.stringify(oneByOne[i]));
const passed = pooled.filter((r) => r.ok).length;
console.log(
  `envelope corpus of ${count} dev-key envelopes (node ${process.version}, ${workers} workers)`,
);
console.log(
  `  baseline  one by one in one process: ${baseline.toFixed(0)} ms  (${((count / baseline) * 1000).toFixed(0)} envelopes/s)`,
);
console.log(
  `  worker pool, including start-up:     ${withStartup.toFixed(0)} ms  (${((count / withStartup) * 1000).toFixed(0)} envelopes/s)  speed-up ${(baseline / withStartup).toFixed(2)}x`,
);
console.log(`  identical results: ${same ? 'yes' : 'NO'} (${passed}/${count} pass)`);
rmSync(scratch, { recursive: true, force: true });
if (!same || passed !== count) process.exit(1);
