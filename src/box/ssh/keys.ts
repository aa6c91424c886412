// OpenSSH public keys of the types sealbox accepts for signed submissions
// (docs/spec/submission-v1.1.md): the key blob, the one-line form GitHub's
// API returns (`ssh-ed25519 AAAA... [comment]`), and the SHA256 fingerprint
// as `ssh-keygen -l` prints it. Portable; never throws on untrusted input.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { fromBase64, toBase64 } from '../../bytes.ts';
import { Reader, WireError } from './wire.ts';

export const CURVES = { nistp256: p256, nistp384: p384, nistp521: p521 } as const;
export type CurveName = keyof typeof CURVES;
const POINT_LENGTH: Record<CurveName, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };

export const KEY_TYPES = [
  'ssh-ed25519',
  'sk-ssh-ed25519@openssh.com',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-rsa',
] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** RSA moduli accepted, in bits: at least NIST's 2048, at most 4096 (the signature block must fit the reserve). */
export const RSA_BITS = { min: 2048, max: 4096 } as const;
/** A security key's application string, in bytes at most. */
export const MAX_APPLICATION = 255;
/** A key line, in characters at most (an RSA-4096 line is about 730). */
export const MAX_KEY_LINE = 4096;

export type KeyMaterial =
  | { kind: 'ed25519'; point: Uint8Array }
  | { kind: 'ecdsa'; curve: CurveName; point: Uint8Array }
  | { kind: 'rsa'; n: Uint8Array; e: Uint8Array; bits: number };

export interface SshPublicKey {
  type: KeyType;
  /** The key's wire encoding: what signatures embed and fingerprints hash. */
  blob: Uint8Array;
  material: KeyMaterial;
  /** A security key's (sk-) application, e.g. `ssh:`. */
  application?: string;
}

/** `key_type`: a type or size sealbox does not accept; `format`: not a well-formed key. */
export type KeyReason = 'key_type' | 'format';
export type ParsedKey = { ok: true; key: SshPublicKey } | { ok: false; reason: KeyReason };

function bitLength(magnitude: Uint8Array): number {
  return magnitude.length === 0 ? 0 : (magnitude.length - 1) * 8 + (32 - Math.clz32(magnitude[0]!));
}

function isKeyType(type: string): type is KeyType {
  return (KEY_TYPES as readonly string[]).includes(type);
}

function ed25519Point(reader: Reader): Uint8Array {
  const point = reader.string();
  if (point.length !== 32) throw new WireError('ed25519 key length');
  try {
    if (ed25519.Point.fromBytes(point, false).isSmallOrder()) throw new Error('small order');
  } catch {
    throw new WireError('ed25519 point');
  }
  return point;
}

function ecdsaPoint(reader: Reader, curve: CurveName): Uint8Array {
  if (reader.text() !== curve) throw new WireError('curve name');
  const point = reader.string();
  if (point.length !== POINT_LENGTH[curve] || point[0] !== 4) throw new WireError('point form');
  try {
    CURVES[curve].Point.fromBytes(point).assertValidity();
  } catch {
    throw new WireError('point not on curve');
  }
  return point;
}

function application(reader: Reader): string {
  const app = reader.text();
  if (app.length === 0 || app.length > MAX_APPLICATION) throw new WireError('application');
  return app;
}

/** Parses a key blob; an RSA key of an unaccepted size is `key_type`. */
export function parseKeyBlob(blob: Uint8Array): ParsedKey {
  try {
    const reader = new Reader(blob);
    const type = reader.text();
    if (!isKeyType(type)) return { ok: false, reason: 'key_type' };
    let material: KeyMaterial;
    let app: string | undefined;
    if (type === 'ssh-ed25519' || type === 'sk-ssh-ed25519@openssh.com') {
      material = { kind: 'ed25519', point: ed25519Point(reader) };
      if (type !== 'ssh-ed25519') app = application(reader);
    } else if (type === 'ssh-rsa') {
      const e = reader.positiveMpint();
      const n = reader.positiveMpint();
      const bits = bitLength(n);
      const eOk = e.length <= 4 && (e[e.length - 1]! & 1) === 1 && bitLength(e) >= 2;
      if (!eOk || bits < RSA_BITS.min || bits > RSA_BITS.max)
        return { ok: false, reason: 'key_type' };
      material = { kind: 'rsa', n, e, bits };
    } else {
      const curve = type.includes('nistp256')
        ? 'nistp256'
        : type.includes('nistp384')
          ? 'nistp384'
          : 'nistp521';
      material = { kind: 'ecdsa', curve, point: ecdsaPoint(reader, curve) };
      if (type.startsWith('sk-')) app = application(reader);
    }
    reader.end();
    return {
      ok: true,
      key: { type, blob, material, ...(app === undefined ? {} : { application: app }) },
    };
  } catch {
    return { ok: false, reason: 'format' };
  }
}

function blobType(blob: Uint8Array): string | undefined {
  try {
    return new Reader(blob).text();
  } catch {
    return undefined;
  }
}

const LINE = /^([!-~]+)[ \t]+([A-Za-z0-9+/]+={0,2})(?:[ \t][^\r\n]*)?$/;

/**
 * Parses an OpenSSH public key line, `TYPE BASE64 [COMMENT]`, as GitHub's
 * `GET /users/{username}/ssh_signing_keys` returns it in `key`. No options
 * prefix (authorized_keys style) and no line breaks inside.
 */
export function parsePublicKeyLine(line: string): ParsedKey {
  if (typeof line !== 'string' || line.length > MAX_KEY_LINE)
    return { ok: false, reason: 'format' };
  const match = LINE.exec(line.trim());
  if (!match) return { ok: false, reason: 'format' };
  if (!isKeyType(match[1]!)) return { ok: false, reason: 'key_type' };
  let blob: Uint8Array;
  try {
    blob = fromBase64(match[2]!);
  } catch {
    return { ok: false, reason: 'format' };
  }
  if (toBase64(blob) !== match[2] || blobType(blob) !== match[1])
    return { ok: false, reason: 'format' };
  return parseKeyBlob(blob);
}

/** `SHA256:` and the unpadded base64 of the blob's SHA-256, as `ssh-keygen -lf` prints it. */
export async function fingerprint(blob: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', blob as Uint8Array<ArrayBuffer>),
  );
  return `SHA256:${toBase64(digest).replace(/=+$/, '')}`;
}
