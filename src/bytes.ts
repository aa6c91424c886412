// Bytes to text and back, and SHA-256: the few encodings the portable code
// needs, in one place. Portable (WebCrypto and the web's atob/btoa).

export function toHex(bytes: Uint8Array | ArrayBuffer): string {
  return Array.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes, (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

/** Decodes hex (the caller has checked its form: pairs of hex digits). */
export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** Standard base64, in chunks (spreading a large array into one call overflows the stack). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Decodes base64, ignoring whitespace. Throws on characters outside the alphabet. */
export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
}

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(await sha256(bytes));
}
