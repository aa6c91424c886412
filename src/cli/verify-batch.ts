// `sealbox verify-batch DIR|FILE.jsonl [policy]`: many bundles on a worker pool.
import { readBatch, verifyBatch } from '../node/batch.ts';
import { readTextFile } from '../node/files.ts';
import { selectTrustedRoots } from '../node/trusted-roots.ts';
import { parseWorkers, type PolicyOptions } from './options.ts';
import { failureText, printJson, printNotes, type Format } from './output.ts';
import { policyFromOptions } from './verify.ts';

export async function verifyBatchCommand(
  source: string,
  o: PolicyOptions & { workers?: string; format: Format },
): Promise<number> {
  const { policy, publicKey } = await policyFromOptions(o);
  const workers = parseWorkers(o.workers);
  // Roots are checked here once, so a bad root is one clear error, not one per worker.
  const { notes } = await selectTrustedRoots(o.trustedRoot);
  const trustedRootText = o.trustedRoot
    ? await readTextFile(o.trustedRoot, 'trusted root')
    : undefined;
  const items = await readBatch(source);
  const started = performance.now();
  const results = await verifyBatch(items, {
    policy,
    publicKey,
    trustedRootText,
    trustedRootSource: o.trustedRoot,
    requireTlog: !o.insecureIgnoreTlog,
    predicateType: o.predicateType,
    workers,
  });
  const seconds = (performance.now() - started) / 1000;
  const passed = results.filter((r) => r.ok).length;
  if (o.format === 'json') {
    printJson({
      ok: passed === results.length,
      total: results.length,
      passed,
      failed: results.length - passed,
      results,
      notes,
    });
  } else {
    printNotes(notes, o.format);
    for (const r of results) {
      const failure = r.error ?? failureText(r.checks);
      process.stdout.write(r.ok ? `OK: ${r.label}\n` : `FAIL: ${r.label}: ${failure}\n`);
    }
    process.stdout.write(
      `${passed} passed, ${results.length - passed} failed (${results.length} bundles in ${seconds.toFixed(2)} s)\n`,
    );
  }
  return passed === results.length ? 0 : 1;
}
