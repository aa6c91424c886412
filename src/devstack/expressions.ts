// The few GitHub Actions expressions the local runner evaluates: context
// lookups (inputs.X, github.event.inputs.X, github.X) and literals, inside
// ${{ }} in workflow values. Anything else is refused by name, so a workflow
// the stack cannot run faithfully fails loudly instead of running wrongly.
import { SealboxError } from '../errors.ts';

export type Context = Record<string, unknown>;

function lookup(path: string, context: Context): unknown {
  let v: unknown = context;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** One expression (what is between ${{ and }}). */
export function evaluate(expression: string, context: Context): unknown {
  const e = expression.trim();
  if (/^'(?:[^']|'')*'$/.test(e)) return e.slice(1, -1).replace(/''/g, "'");
  if (/^-?\d+(\.\d+)?$/.test(e)) return Number(e);
  if (e === 'true' || e === 'false') return e === 'true';
  if (e === 'null') return null;
  if (/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(e)) return lookup(e, context);
  throw new SealboxError('UNSUPPORTED', `the local runner does not evaluate \${{ ${e} }}`);
}

const asText = (v: unknown) =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/**
 * A workflow value: a whole expression keeps its type; expressions inside a
 * longer string are replaced by their text.
 */
export function interpolate(value: unknown, context: Context): unknown {
  if (typeof value !== 'string') return value;
  const whole = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(value);
  if (whole) return evaluate(whole[1]!, context);
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e: string) => asText(evaluate(e, context)));
}

export { asText };
