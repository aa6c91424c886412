// Sealing a submission (a participant's side) and opening one (the box's
// judge for the close rules): plaintext framing, HPKE under the copy-attack
// binding, the armour. Portable.
import { armour, decodeArmour } from './armour.ts';
import { hpkeAad, hpkeInfo } from './ciphertext-binding.ts';
import type { BusComment, Judgement } from './close-rules.ts';
import { open, seal, type BoxKeyPair } from './hpke.ts';
import type { AnyManifest } from './manifest.ts';

/** What a participant seals: their message, and optionally a key for a private reply. */
export interface Plaintext {
  message: string;
  reply_public_key?: string;
}

const te = new TextEncoder();

/** The plaintext's bytes as the manifest's version frames them. */
export function encodePlaintext(_manifest: AnyManifest, plaintext: Plaintext): Uint8Array {
  return te.encode(JSON.stringify(plaintext));
}

/** The plaintext from opened bytes; undefined when the framing is broken. */
export function decodePlaintext(_manifest: AnyManifest, bytes: Uint8Array): Plaintext | undefined {
  try {
    const p = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Plaintext;
    if (typeof p?.message !== 'string') return undefined;
    if (p.reply_public_key !== undefined && typeof p.reply_public_key !== 'string')
      return undefined;
    return p;
  } catch {
    return undefined;
  }
}

/** A participant's side: seal a message to the box for this author, return the armour. */
export async function sealSubmission(
  manifest: AnyManifest,
  manifestDigest: string,
  publicKey: Uint8Array,
  authorId: number,
  plaintext: Plaintext,
): Promise<string> {
  const { enc, ct } = await seal(
    manifest.hpke.suite,
    publicKey,
    encodePlaintext(manifest, plaintext),
    hpkeInfo(manifestDigest),
    hpkeAad(manifest.box_id, authorId),
  );
  return armour(enc, ct);
}

/** Checks a comment's submission signature; absent where the box does not require signatures. */
export type SignatureCheck = (
  comment: BusComment,
  ciphertextSha256: string,
) => Promise<{ ok: true; signingKey: string } | { ok: false }>;

/**
 * The box's judge of an armoured comment: armour, signature (when required),
 * decryption and framing, the first failure in the spec's order. Each HPKE open
 * is paid once per comment and ciphertext (`opened`, held in the ceremony's
 * scope only): polling judges the same comments again and again.
 */
export function boxJudge(
  manifest: AnyManifest,
  manifestDigest: string,
  key: BoxKeyPair,
  opened: Map<string, Uint8Array | null>,
  signature?: SignatureCheck,
) {
  const info = hpkeInfo(manifestDigest);
  return async (
    comment: BusComment,
    armourText: string,
    ciphertextSha256: string,
  ): Promise<Judgement> => {
    const parts = decodeArmour(armourText, manifest.hpke.suite);
    if (!parts) return { kind: 'malformed' };
    const signed = signature ? await signature(comment, ciphertextSha256) : undefined;
    const cacheKey = `${comment.id}:${comment.author_id}:${ciphertextSha256}`;
    let bytes = opened.get(cacheKey);
    if (bytes === undefined) {
      try {
        bytes = await open(
          key,
          parts.enc,
          parts.ct,
          info,
          hpkeAad(manifest.box_id, comment.author_id),
        );
      } catch {
        bytes = null;
      }
      opened.set(cacheKey, bytes);
    }
    const plaintext = bytes ? decodePlaintext(manifest, bytes) : undefined;
    if (bytes && !plaintext) return { kind: 'malformed' };
    if (signed && !signed.ok) return { kind: 'bad_signature' };
    if (!plaintext) return { kind: 'undecryptable' };
    return { kind: 'opened', plaintext, ...(signed?.ok ? { signingKey: signed.signingKey } : {}) };
  };
}
