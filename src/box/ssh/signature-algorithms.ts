// The SSH signature algorithms sealbox accepts, each checked as OpenSSH
// defines it: Ed25519 (RFC 8709, verified strictly as RFC 8032), ECDSA
// (RFC 5656: the curve's own hash), RSA (RFC 8332: rsa-sha2-256/512, never
// SHA-1 `ssh-rsa`), and security keys (PROTOCOL.u2f: the signature covers
// SHA-256(application) || flags || counter || SHA-256(data)). Portable:
// @noble/curves for Ed25519 and ECDSA, WebCrypto for RSA and SHA-2.
import { ed25519 } from '@noble/curves/ed25519.js';
import { toBase64 } from '../../bytes.ts';
import { CURVES, type SshPublicKey } from './keys.ts';
import { encode, Reader } from './wire.ts';

/** `signature`: malformed or not valid; `user_presence`: a security key's signature without the user-present flag. */
export type AlgorithmVerdict = 'ok' | 'signature' | 'user_presence';

const USER_PRESENT = 0x01;
const SCALAR_LENGTH = { nistp256: 32, nistp384: 48, nistp521: 66 } as const;
const RSA_HASH = { 'rsa-sha2-256': 'SHA-256', 'rsa-sha2-512': 'SHA-512' } as const;

/** Whether a signature made with `algorithm` is one this key may make. */
export function acceptsAlgorithm(key: SshPublicKey, algorithm: string): boolean {
  if (key.type === 'ssh-rsa') return algorithm in RSA_HASH;
  return algorithm === key.type;
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** What a security key signed: SHA-256(application) || flags || counter || SHA-256(data). */
async function securityKeyMessage(
  key: SshPublicKey,
  flags: number,
  counter: number,
  data: Uint8Array,
): Promise<Uint8Array> {
  return encode(
    await sha256(new TextEncoder().encode(key.application)),
    { u8: flags },
    { u32: counter },
    await sha256(data),
  );
}

function leftPad(magnitude: Uint8Array, length: number): Uint8Array | undefined {
  if (magnitude.length > length) return undefined;
  const out = new Uint8Array(length);
  out.set(magnitude, length - magnitude.length);
  return out;
}

const base64url = (bytes: Uint8Array) =>
  toBase64(bytes).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

async function verifyRsa(
  key: SshPublicKey & { material: { kind: 'rsa' } },
  algorithm: keyof typeof RSA_HASH,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const { n, e } = key.material;
  if (signature.length !== n.length) return false;
  const params = { name: 'RSASSA-PKCS1-v1_5', hash: RSA_HASH[algorithm] };
  const publicKey = await crypto.subtle.importKey(
    'jwk',
    { kty: 'RSA', n: base64url(n), e: base64url(e), ext: true },
    params,
    false,
    ['verify'],
  );
  return crypto.subtle.verify(
    params,
    publicKey,
    signature as Uint8Array<ArrayBuffer>,
    data as Uint8Array<ArrayBuffer>,
  );
}

/**
 * Verifies an SSH signature blob (`string algorithm`, then the algorithm's
 * fields) by `key` over `data`. The caller has checked `acceptsAlgorithm`.
 * Total: a malformed blob is `signature`.
 */
export async function verifyWithKey(
  key: SshPublicKey,
  signatureBlob: Uint8Array,
  data: Uint8Array,
): Promise<AlgorithmVerdict> {
  try {
    const reader = new Reader(signatureBlob);
    const algorithm = reader.text();
    if (!acceptsAlgorithm(key, algorithm)) return 'signature';
    const material = key.material;
    const securityKey = key.type.startsWith('sk-');
    let valid: boolean;
    let flags = USER_PRESENT;
    if (material.kind === 'rsa') {
      const signature = reader.string();
      reader.end();
      valid = await verifyRsa(
        key as SshPublicKey & { material: { kind: 'rsa' } },
        algorithm as keyof typeof RSA_HASH,
        signature,
        data,
      );
    } else {
      let rawSignature: Uint8Array | undefined;
      if (material.kind === 'ed25519') {
        rawSignature = reader.string();
        if (rawSignature.length !== 64) return 'signature';
      } else {
        const inner = new Reader(reader.string());
        const size = SCALAR_LENGTH[material.curve];
        const r = leftPad(inner.positiveMpint(), size);
        const s = leftPad(inner.positiveMpint(), size);
        inner.end();
        if (!r || !s) return 'signature';
        rawSignature = encode(r, s);
      }
      let message = data;
      if (securityKey) {
        flags = reader.u8();
        message = await securityKeyMessage(key, flags, reader.u32(), data);
      }
      reader.end();
      valid =
        material.kind === 'ed25519'
          ? ed25519.verify(rawSignature, message, material.point, { zip215: false })
          : CURVES[material.curve].verify(rawSignature, message, material.point, {
              prehash: true,
              lowS: false,
              format: 'compact',
            });
    }
    if (!valid) return 'signature';
    return flags & USER_PRESENT ? 'ok' : 'user_presence';
  } catch {
    return 'signature';
  }
}
