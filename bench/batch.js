// P2: batch verification of a fresh corpus of keyless bundles made on the
// local stack (1,000 by default, a few of them tampered with).
//
// The figure: whole processes, `sealbox verify-batch DIR` against
// bench/baseline-batch.js (a plain @sigstore/verify loop with the same
// artifact-digest check), alternating, median of BENCH_RUNS; target at least
// 1.9x, every bundle through @sigstore/verify, identical verdicts.
//
// Then where a batch's time goes (process start, worker start, reading,
// parsing, hashing, verification, output), each part timed alone on one
// thread; and, in one process after parsing, the pool against one
// @sigstore/verify Verifier in a loop, and the raw crypto floor.
import { spawnSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { DevStack } from '../src/devstack/stack.ts';
import { readBatch, VerifierPool } from '../src/node/batch.ts';
import { resolveArtifact } from '../src/node/files.ts';
import { itemContext } from '../src/node/batch-items.ts';
import { parseBundleText } from '../src/sigstore/bundle.ts';
import { verifyBundles } from '../src/sigstore/verify-bundle.ts';
import { failureText } from '../src/cli/output.ts';
import { policyFromFlags } from '../src/policy/identity.ts';
import { makeCorpus } from '../test/helpers/corpus.ts';

const count = Number(process.env.BENCH_BUNDLES ?? 1000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const workers = Number(process.env.BENCH_WORKERS ?? availableParallelism());
const repoRoot = new URL('..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'sealbox-bench-batch-'));
const corpus = join(scratch, 'corpus');
mkdirSync(corpus);
const stack = await DevStack.start({ stateDir: join(scratch, 'state') });
let t = performance.now();
const names = await makeCorpus(stack, corpus, count);
await stack.stop();
// Tampered with, so that verdicts differ: every 50th artifact changed, every 50th signature.
for (const [i, name] of names.entries()) {
  if (i % 50 === 3) writeFileSync(join(corpus, name), 'changed after signing\n');
  if (i % 50 === 7) {
    const path = join(corpus, `${name}.sigstore.json`);
    const b = JSON.parse(readFileSync(path, 'utf8'));
    b.dsseEnvelope.signatures[0].sig = Buffer.alloc(64, 1).toString('base64');
    writeFileSync(path, JSON.stringify(b));
  }
}
console.log(
  `made ${count} bundles on the local stack in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);
const rootPath = join(scratch, 'trusted_root.json');
const rootText = readFileSync(stack.trustedRootPath, 'utf8');
writeFileSync(rootPath, rootText);
const SAN = 'https://github.com/demo/sealbox/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

// Whole processes, alternating.
const commands = {
  baseline: [join(repoRoot, 'bench/baseline-batch.js'), corpus, rootPath, SAN, ISSUER],
  sealbox: [
    join(repoRoot, 'bin/sealbox.js'),
    'verify-batch',
    corpus,
    '--repo',
    'demo/sealbox',
    '--trusted-root',
    rootPath,
    '--workers',
    String(workers),
  ],
};
const verdictsOf = (stdout) =>
  stdout
    .split('\n')
    .filter((l) => /^(OK|FAIL): /.test(l))
    .map(
      (l) => `${l.startsWith('OK') ? 'OK' : 'FAIL'} ${l.replace(/^(OK|FAIL): /, '').split(':')[0]}`,
    );
function once(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args[0]} failed: ${r.stderr}`);
  return { ms, verdicts: verdictsOf(r.stdout) };
}
const times = { baseline: [], sealbox: [] };
const verdicts = {};
for (const args of Object.values(commands)) once(args); // the file cache, the compile cache
for (let i = 0; i < runs; i++)
  for (const [name, args] of Object.entries(commands)) {
    const r = once(args);
    times[name].push(r.ms);
    verdicts[name] ??= r.verdicts;
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const base = median(times.baseline);
const ours = median(times.sealbox);
const same =
  verdicts.baseline.length === count &&
  JSON.stringify(verdicts.baseline) === JSON.stringify(verdicts.sealbox);
const passing = verdicts.sealbox.filter((v) => v.startsWith('OK')).length;

// Where the time goes: each part alone, on this thread.
const part = {};
const timed = async (name, fn) => {
  const s = performance.now();
  const r = await fn();
  part[name] = performance.now() - s;
  return r;
};
const starts = [];
for (let i = 0; i < 5; i++) starts.push(once([join(repoRoot, 'bin/sealbox.js'), '--version']).ms);
part['process start (sealbox --version)'] = median(starts);
const init = {
  policy: { kind: 'identity', identity: policyFromFlags({ repo: 'demo/sealbox' }) },
  trustedRootText: rootText,
  requireTlog: true,
};
const entry = new URL('../build/batch-worker.js', import.meta.url);
await timed(`worker start (${workers - 1}, in parallel)`, async () => {
  const pool = new VerifierPool(init, workers, entry);
  await pool.ready();
  await pool.close();
});
const items = await timed('reading the bundles', () => readBatch(corpus));
const ctx = itemContext(init);
const parsed = await timed('parsing', () => items.map((i) => parseBundleText(i.bundle, i.label)));
const artifacts = await timed('hashing the artifacts', async () => {
  const out = [];
  for (const i of items) out.push(await resolveArtifact(i.artifact));
  return out;
});
const results = await timed('verification (@sigstore/verify and the checks)', async () => {
  const out = [];
  for (let i = 0; i < items.length; i++)
    out.push(await verifyBundles(parsed[i], artifacts[i], init.policy, ctx.options));
  return out;
});
await timed('output', () => {
  let text = '';
  for (const [i, r] of results.entries())
    text += r.ok
      ? `OK: ${items[i].label}\n`
      : `FAIL: ${items[i].label}: ${failureText(r.checks)}\n`;
  return text.length;
});

// In one process, after parsing: one Verifier in a loop against the running pool.
const root = TrustedRoot.fromJSON(JSON.parse(rootText));
const verifier = new Verifier(toTrustMaterial(root));
const policy = { subjectAlternativeName: SAN, extensions: { issuer: ISSUER } };
const bundles = items.map((i) => {
  try {
    return bundleFromJSON(JSON.parse(i.bundle));
  } catch {
    return undefined;
  }
});
t = performance.now();
for (const b of bundles) {
  try {
    verifier.verify(toSignedEntity(b), policy);
  } catch {
    // a verdict, not an error
  }
}
const loop = performance.now() - t;
const pool = new VerifierPool(init, workers, entry);
await pool.ready();
t = performance.now();
const warm = await pool.verify(items);
const running = performance.now() - t;
await pool.close();

// The raw crypto floor: per bundle, the ECDSA checks verification cannot skip
// (the certificate's signature by the CA, the DSSE signature, the signed entry
// timestamp, the checkpoint), with node:crypto alone, on the untampered ones.
const { X509Certificate } = await import('node:crypto');
const rootJson = JSON.parse(rootText);
const ca = new X509Certificate(
  Buffer.from(rootJson.certificateAuthorities[0].certChain.certificates[0].rawBytes, 'base64'),
);
const rekorKey = createPublicKey({
  key: Buffer.from(rootJson.tlogs[0].publicKey.rawBytes, 'base64'),
  format: 'der',
  type: 'spki',
});
const checks = items
  .filter((_, i) => i % 50 !== 7)
  .map((i) => {
    const b = JSON.parse(i.bundle);
    const e = b.verificationMaterial.tlogEntries[0];
    const payload = Buffer.from(b.dsseEnvelope.payload, 'base64');
    const type = b.dsseEnvelope.payloadType;
    const [note, sigs] = e.inclusionProof.checkpoint.envelope.split('\n\n');
    const set = JSON.stringify({
      body: e.canonicalizedBody,
      integratedTime: Number(e.integratedTime),
      logID: Buffer.from(e.logId.keyId, 'base64').toString('hex'),
      logIndex: Number(e.logIndex),
    });
    return {
      leaf: new X509Certificate(Buffer.from(b.verificationMaterial.certificate.rawBytes, 'base64')),
      sig: Buffer.from(b.dsseEnvelope.signatures[0].sig, 'base64'),
      pae: Buffer.concat([
        Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `),
        payload,
      ]),
      set: Buffer.from(set),
      setSig: Buffer.from(e.inclusionPromise.signedEntryTimestamp, 'base64'),
      note: Buffer.from(note + '\n'),
      noteSig: Buffer.from(sigs.split('\n')[0].split(' ')[2], 'base64').subarray(4),
    };
  });
t = performance.now();
let floorOk = true;
for (const c of checks) {
  floorOk &&= c.leaf.verify(ca.publicKey);
  floorOk &&= verify('sha256', c.pae, c.leaf.publicKey, c.sig);
  floorOk &&= verify('sha256', c.set, rekorKey, c.setSig);
  floorOk &&= verify('sha256', c.note, rekorKey, c.noteSig);
}
const floor = ((performance.now() - t) / checks.length) * count;
if (!floorOk) throw new Error('the crypto floor did not verify: it measures the wrong thing');
const warmSame = warm.every((r, i) => r.ok === verdicts.sealbox[i]?.startsWith('OK'));

const ms = (x) => `${x.toFixed(0)} ms`;
console.log(
  `P2 batch verification of ${count} bundles (node ${process.version}, ${workers} threads: this one and ${workers - 1} workers, ${availableParallelism()} cores)`,
);
console.log(
  `  whole processes, median of ${runs} alternating runs:\n    baseline  plain @sigstore/verify loop (bench/baseline-batch.js): ${ms(base)}\n    sealbox verify-batch:                                      ${ms(ours)}  speed-up ${(base / ours).toFixed(2)}x (target >= 1.90x)`,
);
console.log(
  `    verdicts identical: ${same ? 'yes' : 'NO'} (${passing}/${count} pass, the same ${count - passing} tampered ones fail)`,
);
console.log('  where the time goes, each part alone on one thread:');
for (const [name, x] of Object.entries(part)) console.log(`    ${name.padEnd(48)} ${ms(x)}`);
console.log(
  `  in one process, after parsing: one Verifier in a loop ${ms(loop)}; the running pool ${ms(running)} (${(loop / running).toFixed(2)}x); crypto floor (4 ECDSA checks a bundle, 1 core) ${ms(floor)}`,
);
rmSync(scratch, { recursive: true, force: true });
if (!same || !warmSame) process.exit(1);
