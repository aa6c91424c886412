// JSON from strangers, bounded before it is parsed: a size limit and a nesting
// limit checked in one linear pass, so no document can exhaust memory or the
// stack of whatever walks it later (a schema, JSON.stringify). Portable.
import { SealboxError } from './errors.ts';

export interface JsonBounds {
  /** UTF-16 code units of the text at most. */
  maxLength: number;
  /** Arrays and objects nested at most this deep. */
  maxDepth: number;
}

export const DOCUMENT_BOUNDS: JsonBounds = { maxLength: 16 * 1024 * 1024, maxDepth: 64 };

/** The deepest nesting of arrays and objects in JSON text (strings skipped); linear. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Why the text is out of bounds, or undefined when it is within them. */
export function outOfBounds(text: string, bounds: JsonBounds): string | undefined {
  if (text.length > bounds.maxLength) return `is larger than ${bounds.maxLength} characters`;
  if (jsonDepth(text) > bounds.maxDepth) return `is nested deeper than ${bounds.maxDepth} levels`;
  return undefined;
}

/** JSON.parse within bounds; throws SealboxError INPUT_INVALID naming the label. */
export function parseBoundedJson(text: string, label: string, bounds = DOCUMENT_BOUNDS): unknown {
  const why = outOfBounds(text, bounds);
  if (why) throw new SealboxError('INPUT_INVALID', `${label}: ${why}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new SealboxError('INPUT_INVALID', `${label}: is not JSON`);
  }
}

/** JSON.parse within bounds, or undefined (for text that may simply not be ours). */
export function tryBoundedJson(text: string, bounds = DOCUMENT_BOUNDS): unknown {
  if (outOfBounds(text, bounds)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
