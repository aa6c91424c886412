// P2: 1,000 distinct keyless bundles made on the local stack, verified in
// batch on a worker pool, against the baseline of one @sigstore/verify
// Verifier reused in a loop in one process. Also: the pool with its workers
// already running, and the raw crypto floor (the ECDSA checks each bundle
// needs, timed with node:crypto). Verdicts must be identical.
import { createPublicKey, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { DevStack } from '../src/devstack/stack.ts';
import { readBatch, VerifierPool } from '../src/node/batch.ts';
import { policyFromFlags } from '../src/policy/identity.ts';
import { makeCorpus } from '../test/helpers/corpus.ts';

const count = Number(process.env.BENCH_BUNDLES ?? 1000);
const workers = Number(process.env.BENCH_WORKERS ?? availableParallelism());
const scratch = mkdtempSync(join(tmpdir(), 'sealbox-bench-batch-'));
const corpus = join(scratch, 'corpus');
mkdirSync(corpus);
const stack = await DevStack.start({ stateDir: join(scratch, 'state') });
let t = performance.now();
await makeCorpus(stack, corpus, count);
console.log(
  `made ${count} bundles on the local stack in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);
await stack.stop();
const rootText = readFileSync(stack.trustedRootPath, 'utf8');
const items = await readBatch(corpus);

// Baseline: one Verifier, reused, in a loop (bundles already read).
const root = TrustedRoot.fromJSON(JSON.parse(rootText));
const verifier = new Verifier(toTrustMaterial(root));
const policy = {
  subjectAlternativeName:
    'https://github.com/demo/sealbox/.github/workflows/release.yml@refs/heads/main',
  extensions: { issuer: 'https://token.actions.githubusercontent.com' },
};
const parsed = items.map((i) => bundleFromJSON(JSON.parse(i.bundle)));
t = performance.now();
const baselineVerdicts = parsed.map((b) => {
  try {
    verifier.verify(toSignedEntity(b), policy);
    return true;
  } catch {
    return false;
  }
});
const baseline = performance.now() - t;

// sealbox: a pool, counted from its start-up; then again with workers running.
const init = {
  policy: { kind: 'identity', identity: policyFromFlags({ repo: 'demo/sealbox' }) },
  trustedRootText: rootText,
  requireTlog: true,
};
t = performance.now();
// The workers run the bundled entry, as the CLI's do (npm run bench builds it first).
const pool = new VerifierPool(init, workers, new URL('../build/batch-worker.js', import.meta.url));
const cold = await pool.verify(items);
const withStartup = performance.now() - t;
t = performance.now();
const warm = await pool.verify(items);
const running = performance.now() - t;
await pool.close();

// The raw crypto floor: per bundle, the ECDSA checks verification cannot
// skip, with node:crypto and nothing else: the certificate's signature (CA),
// the DSSE signature, the signed entry timestamp and the checkpoint (Rekor).
// (The SCT check is left out: rebuilding the precertificate is not crypto.)
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
const checks = items.map((i) => {
  const b = JSON.parse(i.bundle);
  const e = b.verificationMaterial.tlogEntries[0];
  const payload = Buffer.from(b.dsseEnvelope.payload, 'base64');
  const type = b.dsseEnvelope.payloadType;
  const note = e.inclusionProof.checkpoint.envelope.split('\n\n')[0] + '\n';
  const sigLine = e.inclusionProof.checkpoint.envelope.split('\n\n')[1].split('\n')[0];
  const set = JSON.stringify({
    body: e.canonicalizedBody,
    integratedTime: Number(e.integratedTime),
    logID: Buffer.from(e.logId.keyId, 'base64').toString('hex'),
    logIndex: Number(e.logIndex),
  });
  return {
    leaf: new X509Certificate(Buffer.from(b.verificationMaterial.certificate.rawBytes, 'base64')),
    sig: Buffer.from(b.dsseEnvelope.signatures[0].sig, 'base64'),
    pae: Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `), payload]),
    set: Buffer.from(set),
    setSig: Buffer.from(e.inclusionPromise.signedEntryTimestamp, 'base64'),
    note: Buffer.from(note),
    noteSig: Buffer.from(sigLine.split(' ')[2], 'base64').subarray(4),
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
const floor = performance.now() - t;
if (!floorOk) throw new Error('the crypto floor did not verify: it measures the wrong thing');

const same =
  cold.every((r, i) => r.ok === baselineVerdicts[i]) && warm.every((r, i) => r.ok === cold[i].ok);
console.log(
  `P2 batch verification of ${count} bundles (node ${process.version}, ${workers} workers, ${availableParallelism()} cores)`,
);
console.log(`  baseline  one @sigstore/verify Verifier in a loop: ${baseline.toFixed(0)} ms`);
console.log(
  `  sealbox pool, including worker start-up:          ${withStartup.toFixed(0)} ms  speed-up ${(baseline / withStartup).toFixed(2)}x (target >= 1.50x)`,
);
console.log(
  `  sealbox pool, workers already running:            ${running.toFixed(0)} ms  speed-up ${(baseline / running).toFixed(2)}x`,
);
console.log(
  `  raw crypto floor (4 ECDSA checks a bundle, 1 core):  ${floor.toFixed(0)} ms  baseline ${(baseline / floor).toFixed(1)}x, running pool ${(running / floor).toFixed(1)}x the floor`,
);
console.log(
  `  verdicts identical to the baseline: ${same ? 'yes' : 'NO'} (${cold.filter((r) => r.ok).length}/${count} pass)`,
);
rmSync(scratch, { recursive: true, force: true });
if (!same) process.exit(1);
