// A ceremony key's encodings (docs/spec/replies-v1.1.md, "Key ceremonies"):
// the public key as PEM (SubjectPublicKeyInfo) and JWK, the private key as
// PKCS#8 PEM, as openssl, cosign, Node and sealbox read a P-256 key. Fixed
// DER prefixes (a P-256 key has one encoding of each); no parsing of
// untrusted DER beyond comparing those bytes. Portable.
import { p256 } from '@noble/curves/nist.js';
import { fromHex, toBase64 } from '../../bytes.ts';

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** SEQUENCE { AlgorithmIdentifier { id-ecPublicKey, prime256v1 }, BIT STRING (uncompressed point) } */
const SPKI_PREFIX = fromHex('3059301306072a8648ce3d020106082a8648ce3d030107034200');
/** PKCS#8 v0 around RFC 5915 ECPrivateKey v1 { d, [1] public key }, as OpenSSL writes it. */
const PKCS8_PREFIX = fromHex(
  '308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420',
);
const PKCS8_PUBLIC = fromHex('a144034200');

export interface Jwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

export interface PublicKeyEncodings {
  pem: string;
  jwk: Jwk;
}

const base64url = (b: Uint8Array) =>
  toBase64(b).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function pem(label: string, der: Uint8Array): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`, ''].join('\n');
}

/** The 65-byte uncompressed SEC1 encoding of a point given in any SEC1 encoding. */
export function uncompressed(point: Uint8Array): Uint8Array {
  return p256.Point.fromBytes(point).toBytes(false);
}

/** A public key (any SEC1 encoding of a P-256 point) as PEM and JWK. */
export function publicKeyEncodings(point: Uint8Array): PublicKeyEncodings {
  const full = uncompressed(point);
  return {
    pem: pem('PUBLIC KEY', concat(SPKI_PREFIX, full)),
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: base64url(full.subarray(1, 33)),
      y: base64url(full.subarray(33)),
    },
  };
}

/** The private scalar (32 bytes, big-endian) as PKCS#8 PEM, its public key included. */
export function privateKeyPem(scalar: Uint8Array): string {
  const point = p256.getPublicKey(scalar, false);
  return pem('PRIVATE KEY', concat(PKCS8_PREFIX, scalar, PKCS8_PUBLIC, point));
}

/**
 * Whether `given` is exactly `{pem, jwk}` as publicKeyEncodings writes them
 * for this point (hex of any SEC1 encoding). Total.
 */
export function encodesPoint(given: unknown, pointHex: string): boolean {
  try {
    const want = publicKeyEncodings(fromHex(pointHex));
    const g = given as { pem?: unknown; jwk?: Record<string, unknown> };
    const jwk = g?.jwk;
    return (
      Object.keys(g).sort().join() === 'jwk,pem' &&
      g.pem === want.pem &&
      typeof jwk === 'object' &&
      jwk !== null &&
      Object.keys(jwk).length === 4 &&
      jwk.kty === 'EC' &&
      jwk.crv === 'P-256' &&
      jwk.x === want.jwk.x &&
      jwk.y === want.jwk.y
    );
  } catch {
    return false;
  }
}
