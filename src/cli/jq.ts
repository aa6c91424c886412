// `--jq EXPR` beside `--format json`, as gh has it: the JSON document a
// command prints goes through a jq expression (jq itself, compiled to
// WebAssembly: no native build, no network), strings printed raw as `jq -r`.
// Loaded only when --jq is given.
import { SealboxError } from '../errors.ts';

export interface JqFilter {
  /** The text to print for one JSON document. */
  apply(value: unknown): string;
}

const firstLine = (text: string) => text.split('\n').find((l) => l.trim()) ?? 'failed';

/** Compiles EXPR once (a compile error is a usage error) and returns the filter. */
export async function jqFilter(expression: string): Promise<JqFilter> {
  const { loadJq } = await import('jq-wasm/inline');
  const jq = await loadJq();
  // jq exits 3 on a compile error, whatever the input.
  const probe = jq.raw(null, expression, ['-r']);
  if (probe.exitCode === 3)
    throw new SealboxError(
      'USAGE',
      `--jq ${JSON.stringify(expression)}: ${firstLine(probe.stderr)}`,
    );
  return {
    apply(value) {
      const r = jq.raw(JSON.stringify(value), expression, ['-r']);
      if (r.exitCode !== 0 && r.stderr)
        throw new SealboxError(
          'INPUT_INVALID',
          `--jq ${JSON.stringify(expression)}: ${firstLine(r.stderr)}`,
        );
      return r.stdout;
    },
  };
}
