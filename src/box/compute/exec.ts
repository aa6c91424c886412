// exec's parameters (sealed-box-v1.md, "The exec computation"): what the
// operator's command is and what it may do. Running it needs the operating
// system (src/node/exec-sandbox.ts); checking its parameters does not.
import * as z from 'zod/mini';
import { SealboxError } from '../../errors.ts';

export const EXEC_MAX_TIMEOUT_SECONDS = 1800;
export const EXEC_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * Why `path` cannot be `command[0]`, or undefined when it can: a relative
 * path whose segments are neither empty, `.` nor `..`, after at most one
 * leading `./`. Text only; the real path is checked against the checkout.
 */
export function commandPathProblem(path: string): string | undefined {
  if (path.startsWith('/'))
    return 'is an absolute path: give a path relative to the checkout (a script with a #! line to use an interpreter)';
  const segments = (path.startsWith('./') ? path.slice(2) : path).split('/');
  if (segments.some((s) => s === '..')) return 'leaves the checkout (..): give a path inside it';
  if (segments.some((s) => s === '' || s === '.'))
    return 'is not a plain relative path (an empty or . segment)';
  return undefined;
}

const noNul = (s: string) => !s.includes('\u0000');
const whole = (max: number) =>
  z
    .number(`give a whole number from 1 to ${max}`)
    .check(
      z.int(`give a whole number from 1 to ${max}`),
      z.gte(1, `give a whole number from 1 to ${max}`),
      z.lte(max, `give a whole number from 1 to ${max}`),
    );

const schema = z.strictObject(
  {
    command: z
      .array(
        z.string('give a string').check(z.refine(noNul, 'contains a NUL character')),
        'give a non-empty list of strings (argv)',
      )
      .check(z.minLength(1, 'give a non-empty list of strings (argv)')),
    network: z.optional(z.boolean('give true or false')),
    timeout_seconds: z.optional(whole(EXEC_MAX_TIMEOUT_SECONDS)),
    max_output_bytes: z.optional(whole(EXEC_MAX_OUTPUT_BYTES)),
    log_stderr: z.optional(z.boolean('give true or false')),
  },
  'give a JSON object',
);

export type ExecParameters = z.infer<typeof schema>;

const KNOWN = Object.keys(schema.def.shape).join(', ');

/** The parameters, checked; else a USAGE error naming the first parameter at fault. */
export function execParameters(parameters: Record<string, unknown>): ExecParameters {
  const parsed = z.safeParse(schema, parameters);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys')
      throw new SealboxError('USAGE', `exec: parameter ${issue.keys[0]} is not one of ${KNOWN}`);
    const name = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`))
      .join('');
    throw new SealboxError('USAGE', `exec: parameter ${name || 'parameters'}: ${issue.message}`);
  }
  const path = parsed.data.command[0]!;
  const problem = commandPathProblem(path);
  if (problem)
    throw new SealboxError(
      'USAGE',
      `exec: parameter command[0] ${JSON.stringify(path)} ${problem}`,
    );
  return parsed.data;
}
