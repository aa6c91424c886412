// Shamir shares of a P-256 private scalar with Feldman commitments
// (docs/spec/replies-v1.1.md, "Key ceremonies"), over @noble/curves' FROST
// suite for P-256 (RFC 9591 Appendix C: the dealer's polynomial, vss_verify,
// and recombination by Lagrange interpolation). The coefficients come from a
// seed by RFC 9380 hash_to_field, so the same seed makes the same key, shares
// and commitments everywhere (the vectors); in a box the seed is random and
// lives only in memory. Portable; checks of untrusted input never throw.
import { p256, p256_FROST, p256_hasher } from '@noble/curves/nist.js';
import { fromHex, toHex } from '../../bytes.ts';

const Fn = p256_FROST.utils.Fn;
/** hash_to_field's domain separation tag for the coefficients. */
export const COEFFICIENT_DST = 'sealbox-ceremony-v1.1-coefficient';
export const MIN_THRESHOLD = 2;
export const MAX_THRESHOLD = 1000;
export const MAX_RECIPIENTS = 1000;

const SCALAR_HEX = /^[0-9a-f]{64}$/;
const POINT_HEX = /^0[23][0-9a-f]{64}$/;

export interface Dealt {
  /** C_0 = d·G: the public key, SEC1 compressed, hex. */
  publicKey: string;
  /** C_0 .. C_{t-1}, SEC1 compressed, hex. */
  commitments: string[];
  /** Each recipient's share s_i = f(i), 32 bytes big-endian, hex, by index. */
  shares: Map<number, string>;
}

/** a_j = hash_to_field(seed || I2OSP(j, 2)) over P-256's group order, j = 0 .. t-1. */
export function coefficients(seed: Uint8Array, threshold: number): bigint[] {
  const out: bigint[] = [];
  for (let j = 0; j < threshold; j++) {
    const msg = new Uint8Array(seed.length + 2);
    msg.set(seed);
    msg[seed.length] = j >> 8;
    msg[seed.length + 1] = j & 0xff;
    const a = p256_hasher.hashToScalar(msg, { DST: COEFFICIENT_DST });
    if (a === 0n) throw new Error('a ceremony coefficient is zero'); // probability 2^-256
    out.push(a);
  }
  return out;
}

/** f(x) = a_0 + a_1 x + ... + a_{t-1} x^(t-1) mod n (Horner). */
function evaluate(coeffs: bigint[], x: bigint): bigint {
  return coeffs.reduceRight((acc, a) => Fn.add(Fn.mul(acc, x), a), Fn.ZERO);
}

/** The key, its commitments and one share per index (indices distinct, 1 .. 2^16). */
export function deal(seed: Uint8Array, threshold: number, indices: number[]): Dealt {
  const coeffs = coefficients(seed, threshold);
  const polynomial = p256_FROST.utils.generateSecretPolynomial(
    { min: threshold, max: Math.max(threshold, indices.length) },
    Fn.toBytes(coeffs[0]!),
    coeffs.slice(1),
  );
  const commitments = polynomial.commitment.map((c) => toHex(c));
  const shares = new Map<number, string>();
  for (const i of indices) shares.set(i, toHex(Fn.toBytes(evaluate(coeffs, BigInt(i)))));
  return { publicKey: commitments[0]!, commitments, shares };
}

/**
 * Whether commitments are `threshold` points of P-256 (compressed, on the
 * curve, none the identity). Total.
 */
export function validCommitments(commitments: unknown, threshold: number): boolean {
  if (!Array.isArray(commitments) || commitments.length !== threshold) return false;
  return commitments.every((c) => {
    if (typeof c !== 'string' || !POINT_HEX.test(c)) return false;
    try {
      const p = p256.Point.fromBytes(fromHex(c));
      p.assertValidity();
      return !p.is0();
    } catch {
      return false;
    }
  });
}

/**
 * Feldman's check (RFC 9591 Appendix C.2, vss_verify): s·G equals
 * sum_j index^j · C_j. Total: anything malformed is false.
 */
export function shareMatches(index: unknown, share: unknown, commitments: unknown): boolean {
  if (!Number.isSafeInteger(index) || (index as number) < 1) return false;
  if (typeof share !== 'string' || !SCALAR_HEX.test(share)) return false;
  if (!Array.isArray(commitments) || !validCommitments(commitments, commitments.length))
    return false;
  if (commitments.length < MIN_THRESHOLD) return false;
  const scalar = BigInt(`0x${share}`);
  if (scalar === 0n || scalar >= Fn.ORDER) return false;
  try {
    p256_FROST.validateSecret(
      {
        identifier: p256_FROST.Identifier.fromNumber(index as number),
        signingShare: fromHex(share),
      },
      {
        signers: { min: commitments.length, max: Math.max(commitments.length, index as number) },
        commitments: (commitments as string[]).map(fromHex),
        verifyingShares: {},
      },
    );
    return true;
  } catch {
    return false;
  }
}

/**
 * The private scalar from at least `threshold` shares of distinct indices
 * (Lagrange interpolation at 0); the caller checks each share first.
 */
export function combine(shares: { index: number; share: string }[], threshold: number): Uint8Array {
  return p256_FROST.combineSecret(
    shares.map((s) => ({
      identifier: p256_FROST.Identifier.fromNumber(s.index),
      signingShare: fromHex(s.share),
    })),
    { min: threshold, max: Math.max(threshold, shares.length) },
  );
}

/** d·G, SEC1 compressed, hex. */
export function publicPoint(scalar: Uint8Array): string {
  return toHex(p256.Point.BASE.multiply(Fn.fromBytes(scalar)).toBytes(true));
}
