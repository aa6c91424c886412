// ECDSA verification over a digest the caller computed (a large artifact
// hashed streaming). node:crypto always hashes its input itself, so this
// one check uses @noble/curves. Loaded only when needed. Takes Node's
// KeyObject, or the browser stand-in's (src/browser/node-crypto.ts), which
// carries its point as `raw`.
import type { KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';

const CURVES = { prime256v1: p256, secp384r1: p384, secp521r1: p521 } as const;

function publicPoint(key: KeyObject): Uint8Array | undefined {
  const raw = (key as unknown as { raw?: unknown }).raw;
  if (raw instanceof Uint8Array) return raw;
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.x || !jwk.y) return undefined;
  return Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x, 'base64url'),
    Buffer.from(jwk.y, 'base64url'),
  ]);
}

/**
 * ECDSA over a digest the caller computed. node:crypto always hashes the
 * input itself, so the check on a prehashed digest uses @noble/curves.
 */
export function verifyEcdsaDigest(
  key: KeyObject,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  const curve = CURVES[key.asymmetricKeyDetails?.namedCurve as keyof typeof CURVES];
  const point = curve && publicPoint(key);
  if (!curve || !point) return false; // not a curve Sigstore uses
  try {
    return curve.verify(signature, digest, point, { prehash: false, lowS: false, format: 'der' });
  } catch {
    return false;
  }
}
