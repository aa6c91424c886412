// The SSH wire encoding (RFC 4251 §5) as the signature code reads and writes
// it: bounded reads that never run past the input, and strict mpints.
// Portable.

/** Thrown by a Reader on bytes that do not follow the encoding; caught by its callers. */
export class WireError extends Error {}

export class Reader {
  private offset = 0;
  private readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  private take(length: number): Uint8Array {
    if (length > this.bytes.length - this.offset) throw new WireError('truncated');
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u32(): number {
    const b = this.take(4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  /** A `string`: uint32 length, then that many bytes. */
  string(): Uint8Array {
    return this.take(this.u32());
  }

  /** A `string` holding printable ASCII, 0x20 to 0x7e (type names, namespaces, hash names). */
  text(): string {
    const bytes = this.string();
    let out = '';
    for (const b of bytes) {
      if (b < 0x20 || b > 0x7e) throw new WireError('not printable ASCII');
      out += String.fromCharCode(b);
    }
    return out;
  }

  /**
   * A positive `mpint` in its one encoding: no sign bit, no needless leading
   * zero byte. Returns the magnitude (big-endian, no leading zero).
   */
  positiveMpint(): Uint8Array {
    const bytes = this.string();
    if (bytes.length === 0) throw new WireError('mpint zero');
    if (bytes[0]! & 0x80) throw new WireError('mpint negative');
    if (bytes[0] === 0) {
      if (bytes.length === 1 || !(bytes[1]! & 0x80)) throw new WireError('mpint not minimal');
      return bytes.subarray(1);
    }
    return bytes;
  }

  remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.remaining() !== 0) throw new WireError('trailing bytes');
  }
}

/** Concatenates SSH `string`s and raw parts (Uint8Array as-is, `{string}` length-prefixed, numbers as uint32). */
export function encode(
  ...parts: (Uint8Array | { string: Uint8Array | string } | { u8: number } | { u32: number })[]
): Uint8Array {
  const chunks: Uint8Array[] = [];
  const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  for (const part of parts) {
    if (part instanceof Uint8Array) chunks.push(part);
    else if ('string' in part) {
      const bytes =
        typeof part.string === 'string' ? new TextEncoder().encode(part.string) : part.string;
      chunks.push(u32(bytes.length), bytes);
    } else if ('u8' in part) chunks.push(new Uint8Array([part.u8]));
    else chunks.push(u32(part.u32));
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
