// Reading a box document (manifest.json, result.json): strict UTF-8 JSON
// within bounds, then its schema, with an error naming the field. Portable.
import type * as z from 'zod/mini';
import {
  DOCUMENT_BOUNDS,
  outOfBounds,
  parseBoundedJson,
  tryBoundedJson,
  type JsonBounds,
} from '../bounded-json.ts';
import { SealboxError } from '../errors.ts';

export const MANIFEST_BOUNDS: JsonBounds = { maxLength: 64 * 1024, maxDepth: 64 };
export const RESULT_BOUNDS: JsonBounds = { maxLength: 16 * 1024 * 1024, maxDepth: 64 };

function text(bytes: Uint8Array, label: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SealboxError('INPUT_INVALID', `${label}: is not UTF-8`);
  }
}

export function parseDocument<T>(
  schema: z.ZodMiniType<T>,
  bytes: Uint8Array,
  label: string,
  bounds: JsonBounds = RESULT_BOUNDS,
): T {
  return parseJsonAs(
    schema,
    text(bytes, label),
    (why) => new SealboxError('INPUT_INVALID', `${label}: ${why}`),
    bounds,
  );
}

/**
 * JSON text within bounds, then `schema`; `invalid` makes the error from why
 * it is refused (out of bounds, not JSON, or the first field and its issue).
 */
export function parseJsonAs<T>(
  schema: z.ZodMiniType<T>,
  text: string,
  invalid: (why: string) => SealboxError,
  bounds: JsonBounds = DOCUMENT_BOUNDS,
): T {
  const json = tryBoundedJson(text, bounds);
  if (json === undefined) throw invalid(outOfBounds(text, bounds) ?? 'is not JSON');
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw invalid(`${issue?.path.join('.') || 'document'} ${issue?.message ?? 'is invalid'}`);
  }
  return r.data;
}

/** The document's `version` member, when it is a JSON object within bounds that has one. */
export function peekVersion(bytes: Uint8Array): string | undefined {
  try {
    const json = parseBoundedJson(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes),
      'document',
    ) as { version?: unknown } | null;
    return typeof json?.version === 'string' ? json.version : undefined;
  } catch {
    return undefined;
  }
}
