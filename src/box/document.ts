// Reading a box document (manifest.json, result.json): strict UTF-8 JSON,
// then its schema, with an error naming the field. Portable.
import type * as z from 'zod/mini';
import { SealboxError } from '../errors.ts';

export function parseDocument<T>(schema: z.ZodMiniType<T>, bytes: Uint8Array, label: string): T {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new SealboxError('INPUT_INVALID', `${label}: is not JSON`);
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new SealboxError(
      'INPUT_INVALID',
      `${label}: ${issue?.path.join('.') || 'document'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  return r.data;
}
