// `sealbox verify-batch DIR|FILE.jsonl [policy]`: many bundles on a pool of threads.
import { readAndVerifyBatch } from '../node/batch.ts';
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
  const started = performance.now();
  // Text: each item's line as soon as it and those before it are verified.
  const stream = o.format !== 'json';
  let lines = '';
  let flushed = performance.now();
  const flush = () => {
    if (lines) process.stdout.write(lines);
    lines = '';
    flushed = performance.now();
  };
  if (stream) printNotes(notes, o.format);
  const results = await readAndVerifyBatch(
    source,
    {
      policy,
      publicKey,
      trustedRootText,
      trustedRootSource: o.trustedRoot,
      requireTlog: !o.insecureIgnoreTlog,
      predicateType: o.predicateType,
      workers,
    },
    stream
      ? (r) => {
          lines += r.ok
            ? `OK: ${r.label}\n`
            : `FAIL: ${r.label}: ${r.error ?? failureText(r.checks)}\n`;
          if (lines.length > 16_384 || performance.now() - flushed > 100) flush();
        }
      : undefined,
  );
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
    flush();
    process.stdout.write(
      `${passed} passed, ${results.length - passed} failed (${results.length} bundles in ${seconds.toFixed(2)} s)\n`,
    );
  }
  return passed === results.length ? 0 : 1;
}
