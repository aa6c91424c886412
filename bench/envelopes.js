// Envelope corpus: 10,000 dev-key InferenceBench envelopes made here, verified
// three ways, in alternating rounds (each figure the median round):
// - the fixed baseline, today's loop: one process, each file read
//   asynchronously, SHA-256 and Ed25519 through WebCrypto (what the portable
//   code does where no platform primitives are given);
// - the per-envelope function `sealbox envelope verify` runs (node:crypto's
//   synchronous SHA-256 and Ed25519), one by one in one process: target at
//   least 2x the baseline;
// - the same function on the pool (this thread, which starts at once, and
//   the workers, which join as they start), counted from the pool's start:
//   target at least 1.7x the one-process loop.
// Every run's results must be identical.
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash, parseEnvelope } from '../src/envelope/envelope.ts';
import { verifyEnvelope, webCryptoPrimitives } from '../src/envelope/verify.ts';
import { envelopeContext, verifyEnvelopeFile } from '../src/node/batch-items.ts';
import { VerifierPool } from '../src/node/batch.ts';

const count = Number(process.env.BENCH_ENVELOPES ?? 10_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
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

async function webCryptoLoop() {
  const trust = { ...envelopeContext(init).trust, crypto: webCryptoPrimitives };
  const out = [];
  for (const item of items) {
    const env = parseEnvelope(await readFile(item.path, 'utf8'), item.label);
    out.push(await verifyEnvelope(env, trust));
  }
  return out;
}
async function oneProcess() {
  const ctx = envelopeContext(init);
  const out = [];
  for (const item of items) out.push(await verifyEnvelopeFile(item, ctx));
  return out;
}
let shares = [];
async function pooled() {
  const pool = new VerifierPool(
    init,
    workers,
    new URL('../build/batch-worker.js', import.meta.url),
  );
  try {
    const results = await pool.verify(items, 32);
    shares = pool.shares;
    return results;
  } finally {
    await pool.close();
  }
}

const runs = { baseline: webCryptoLoop, one: oneProcess, pool: pooled };
const times = { baseline: [], one: [], pool: [] };
let reference;
let same = true;
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(runs)) {
    const t = performance.now();
    const results = await run();
    times[name].push(performance.now() - t);
    const text = JSON.stringify(results);
    reference ??= text;
    same &&= text === reference;
  }
}
const passed = JSON.parse(reference).filter((r) => r.ok).length;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const [base, one, pool] = [median(times.baseline), median(times.one), median(times.pool)];
const rate = (ms) => `${((count / ms) * 1000).toFixed(0)} envelopes/s`;
console.log(
  `envelope corpus of ${count} dev-key envelopes, median of ${rounds} alternating rounds (node ${process.version}, ${workers} threads: this one and ${workers - 1} workers, ${availableParallelism()} cores)`,
);
console.log(
  `  baseline  WebCrypto loop, one process (today's):  ${base.toFixed(0)} ms  (${rate(base)})`,
);
console.log(
  `  node:crypto, one by one in one process:          ${one.toFixed(0)} ms  (${rate(one)})  ${(base / one).toFixed(2)}x the baseline (target >= 2x)`,
);
console.log(
  `  node:crypto on the pool, with start-up:          ${pool.toFixed(0)} ms  (${rate(pool)})  ${(one / pool).toFixed(2)}x the one-process loop (target >= 1.7x), ${(base / pool).toFixed(2)}x the baseline`,
);
console.log(`  envelopes each thread verified (last round; this one first): ${shares.join(', ')}`);
console.log(`  identical results: ${same ? 'yes' : 'NO'} (${passed}/${count} pass)`);
rmSync(scratch, { recursive: true, force: true });
if (!same || passed !== count) process.exit(1);
