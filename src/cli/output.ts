// Printing results: one JSON document on stdout with --format json, otherwise
// lines a person reads. Notes and warnings go to stderr (or the JSON's notes).
import type { Check } from '../check.ts';
import { bundleFacts } from '../sigstore/facts.ts';
import type { VerificationResult } from '../sigstore/verify-bundle.ts';
import type { JqFilter } from './jq.ts';

export type Format = 'text' | 'json';

let filter: JqFilter | undefined;

/** `--jq EXPR`: every JSON document printed goes through the expression. */
export function setJqFilter(f: JqFilter | undefined): void {
  filter = f;
}

export function printJson(value: unknown): void {
  if (filter) {
    const text = filter.apply(value);
    process.stdout.write(text && !text.endsWith('\n') ? `${text}\n` : text);
    return;
  }
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printNotes(notes: string[], format: Format): void {
  if (format === 'text') for (const n of notes) process.stderr.write(`${n}\n`);
}

/**
 * The failure a headline names: a wrong artifact before anything else (its
 * signature then fails too, as a consequence), else the first failed check.
 */
export function headlineFailure(checks: Check[]): Check | undefined {
  return checks.find((c) => !c.ok && c.name === 'artifact') ?? checks.find((c) => !c.ok);
}

/** `CODE: reason` of the failure a headline names. */
export function failureText(checks: Check[]): string {
  const f = headlineFailure(checks);
  return f ? `${f.code}: ${f.reason}` : 'not verified';
}

function checkLine(c: Check): string {
  return `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(18)} ${c.ok ? c.reason : `${c.code}: ${c.reason}`}`;
}

export function printVerification(
  result: VerificationResult,
  artifact: string,
  format: Format,
  notes: string[],
): void {
  if (format === 'json') {
    const decisive = result.bundles.find((b) => b.ok) ?? result.bundles[0];
    printJson({
      ok: result.ok,
      artifact,
      checks: result.checks,
      claims: decisive?.claims ?? null,
      tlogEntries: decisive?.tlogEntries ?? [],
      trustedRoot: decisive?.trustedRoot ?? null,
      bundles: result.bundles,
      notes,
    });
    return;
  }
  printNotes(notes, format);
  const lines: string[] = [];
  for (const b of result.bundles) {
    lines.push(
      b.ok
        ? `OK: ${artifact} verified with bundle ${b.bundle}`
        : `FAIL: ${artifact} with bundle ${b.bundle}: ${failureText(b.checks)}`,
    );
    for (const [k, v] of bundleFacts(b)) lines.push(`  ${(k + ':').padEnd(16)} ${v}`);
    lines.push(...b.checks.map(checkLine));
  }
  process.stdout.write(lines.join('\n') + '\n');
}
