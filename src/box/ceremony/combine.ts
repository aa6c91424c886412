// Recombining a ceremony's key from its shares (docs/spec/replies-v1.1.md,
// "Recombining"): at least `threshold` shares of distinct indices, each
// passing Feldman's check, interpolated at 0; the key must be the published
// one. Portable; the caller names the files.
import { privateKeyPem } from './keys.ts';
import { combine, publicPoint, shareMatches, validCommitments } from './shares.ts';

export interface ShareInput {
  index: number;
  share: string;
}

export type Combined =
  | { ok: true; privateKeyPem: string; publicKey: string }
  | { ok: false; reason: 'too_few'; have: number }
  | { ok: false; reason: 'duplicate_index'; index: number }
  | { ok: false; reason: 'share_mismatch'; index: number; position: number }
  | { ok: false; reason: 'commitments' }
  | { ok: false; reason: 'not_the_key' };

/** The private key (PKCS#8 PEM) from the shares, checked against the commitments, or why not. */
export function combineShares(
  threshold: number,
  commitments: string[],
  shares: ShareInput[],
): Combined {
  if (!validCommitments(commitments, threshold) || threshold < 2)
    return { ok: false, reason: 'commitments' };
  if (shares.length < threshold) return { ok: false, reason: 'too_few', have: shares.length };
  const seen = new Set<number>();
  for (const [position, s] of shares.entries()) {
    if (seen.has(s.index)) return { ok: false, reason: 'duplicate_index', index: s.index };
    seen.add(s.index);
    if (!shareMatches(s.index, s.share, commitments))
      return { ok: false, reason: 'share_mismatch', index: s.index, position };
  }
  const scalar = combine(shares, threshold);
  try {
    const point = publicPoint(scalar);
    if (point !== commitments[0]) return { ok: false, reason: 'not_the_key' };
    return { ok: true, privateKeyPem: privateKeyPem(scalar), publicKey: point };
  } finally {
    scalar.fill(0);
  }
}
