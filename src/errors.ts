// Errors carry a code from a closed union, as in sigstore-js: callers and tests
// match on codes, and the CLI maps each family to an exit code and one line.

/** Input, usage and refusal errors: the CLI exits 2. */
export type InputErrorCode =
  | 'USAGE'
  | 'POLICY_MISSING'
  | 'INPUT_NOT_FOUND'
  | 'INPUT_UNREADABLE'
  | 'INPUT_INVALID'
  | 'BUNDLE_INVALID'
  | 'TRUSTED_ROOT_INVALID'
  | 'KEY_INVALID'
  | 'NETWORK'
  | 'NO_IDENTITY'
  | 'SERVICE'
  | 'UNSUPPORTED'
  | 'TIMEOUT'
  /** A login (OAuth) the person denied, or whose device code expired or got no answer in time. */
  | 'LOGIN_DENIED'
  | 'LOGIN_EXPIRED'
  /** A login that went wrong: an answer for another request (state), a code refused (PKCE). */
  | 'LOGIN_FAILED'
  /** An identity token that is not the issuer's: another issuer, another login, a bad signature. */
  | 'TOKEN_INVALID';

export class SealboxError extends Error {
  readonly code: InputErrorCode;
  constructor(code: InputErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealboxError';
    this.code = code;
  }
}

export function isSealboxError(e: unknown): e is SealboxError {
  return e instanceof SealboxError;
}

/** A short, single-line description of any thrown value, for reasons and messages. */
export function describe(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s+/g, ' ').trim() || 'unknown error';
}

/** A failure of a remote service, named by what was asked of it; a SealboxError passes through. */
export function serviceError(what: string, e: unknown): SealboxError {
  if (e instanceof SealboxError) return e;
  return new SealboxError('SERVICE', `${what}: ${describe(e)}`, { cause: e });
}
