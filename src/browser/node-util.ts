// The part of node:util that @sigstore/verify calls, for the browser bundle:
// isDeepStrictEqual (it compares verified timestamps to find duplicates).
import equal from 'fast-deep-equal/es6/index.js';

export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return equal(a, b);
}

export default { isDeepStrictEqual };
