// A strict, minimal DER reader: tag-length-value walking, nothing more.
// Portable (no Node APIs).
//
// Why not a library: the claims parser runs on every verification, and the
// portable ASN.1 libraries cost 10-20 ms per certificate (asn1js) or pull in
// node:crypto (@sigstore/core's reader sits beside its crypto module). Reading
// a few fields out of a certificate that Sigstore's verifier has already
// checked needs only TLV walking, done strictly: definite, minimal lengths,
// every length inside its parent, no trailing bytes.

export class DerError extends Error {}

export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number < 31). */
  tag: number;
  /** The contents, a view into the input. */
  value: Uint8Array;
  /** Offset just past this element. */
  end: number;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
} as const;

export const isContext = (tag: number, n: number) => (tag & 0xc0) === 0x80 && (tag & 0x1f) === n;

/** Reads one element at `offset` within `bytes[offset, limit)`. */
export function readTlv(bytes: Uint8Array, offset = 0, limit = bytes.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('long-form tags are not used here');
  let length = bytes[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError('unsupported length');
    if (start + count > limit) throw new DerError('truncated');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i]!;
    if (bytes[start] === 0 || length < 0x80) throw new DerError('non-minimal length');
    start += count;
  }
  const end = start + length;
  if (end > limit) throw new DerError('length past the end');
  return { tag, value: bytes.subarray(start, end), end };
}

/** Reads a whole input that must be exactly one element. */
export function readOnly(bytes: Uint8Array): Tlv {
  const tlv = readTlv(bytes);
  if (tlv.end !== bytes.length) throw new DerError('trailing bytes');
  return tlv;
}

/** The elements inside a constructed element's contents. */
export function children(value: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < value.length) {
    const tlv = readTlv(value, offset);
    out.push(tlv);
    offset = tlv.end;
  }
  return out;
}

export function oidToString(value: Uint8Array): string {
  if (value.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let n = 0;
  for (const byte of value) {
    n = n * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  const first = parts.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

const text = (v: Uint8Array) => String.fromCharCode(...v);

export function timeToIso(tlv: Tlv): string {
  const s = text(tlv.value);
  const m =
    tlv.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new DerError('invalid time');
  let year = Number(m[1]);
  if (tlv.tag === TAG.UTC_TIME) year += year >= 50 ? 1900 : 2000;
  return new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  ).toISOString();
}
