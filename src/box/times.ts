// Times of a box (docs/spec/sealed-box-v1.1.md, "Times"): parsed strictly,
// compared as instants, and taken only from what a verification proved.
// Portable.

const WHOLE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const FRACTIONAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;

function instant(m: RegExpExecArray | null): number | undefined {
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59 || d < 1) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 31 February over into March: a day that does not exist is refused.
  if (new Date(ms).getUTCDate() !== d || new Date(ms).getUTCFullYear() !== y) return undefined;
  const fraction = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return ms + fraction;
}

/** A box time, `YYYY-MM-DDTHH:MM:SSZ`, as milliseconds; undefined unless it is a real instant. */
export function parseTime(text: unknown): number | undefined {
  return typeof text === 'string' ? instant(WHOLE.exec(text)) : undefined;
}

/** An RFC 3339 UTC time with an optional fraction (as a verifier reports signed times). */
export function parseInstant(text: unknown): number | undefined {
  return typeof text === 'string' ? instant(FRACTIONAL.exec(text)) : undefined;
}

/** Milliseconds as a box time (whole seconds, truncated). */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Rounds up to a whole second; a whole second stays as it is. */
export function ceilSecond(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}

/** The manifest's attestation time: the latest of its bundle's signed times. */
export function manifestAttestedAt(signedTimes: string[]): number | undefined {
  const times = signedTimes.map(parseInstant).filter((t) => t !== undefined);
  return times.length ? Math.max(...times) : undefined;
}

/** The result's attestation time: the earliest of its bundle's signed times. */
export function resultAttestedAt(signedTimes: string[]): number | undefined {
  const times = signedTimes.map(parseInstant).filter((t) => t !== undefined);
  return times.length ? Math.min(...times) : undefined;
}

export interface BoxWindow {
  /** Milliseconds. */
  opensAt: number;
  closesAt: number;
}

/** opens_at and closes_at, from the manifest bundle's signed times and the window. */
export function windowFrom(
  manifestSignedTimes: string[],
  windowSeconds: number,
): BoxWindow | undefined {
  const attested = manifestAttestedAt(manifestSignedTimes);
  if (attested === undefined) return undefined;
  const opensAt = ceilSecond(attested);
  return { opensAt, closesAt: opensAt + windowSeconds * 1000 };
}
