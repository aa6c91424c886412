// Sealing a submission (a participant's side) and opening one (the box's
// judge for the close rules): plaintext framing, HPKE under the copy-attack
// binding, the armour. Portable.
import { armour, decodeArmour } from './armour.ts';
import { hpkeAad, hpkeInfo } from './ciphertext-binding.ts';
import { contentReason, type BusComment, type Judgement } from './close-rules.ts';
import type { SigningKey } from './bus.ts';
import { open, seal, type BoxKeyPair } from './hpke.ts';
import { MANIFEST_VERSION_V1, type AnyManifest, type Manifest } from './manifest.ts';
import { pad, unpad, type PaddingParams } from './padding.ts';
import { verifySubmissionSignature } from './sshsig.ts';

/** What a participant seals: their message, and optionally a key for a private reply. */
export interface Plaintext {
  message: string;
  reply_public_key?: string;
}

const te = new TextEncoder();

/** The padding a v1.1 box applies (docs/spec/submission-v1.1.md). */
export function paddingOf(manifest: Manifest): PaddingParams {
  return {
    suite: manifest.hpke.suite,
    maxBytes: manifest.rules.max_bytes,
    signedSubmissions: manifest.rules.signed_submissions,
  };
}

/**
 * The plaintext's bytes as the manifest's version frames them: v1.1 pads to
 * a bucket (throwing INPUT_INVALID when the message does not fit); v1 is JSON.
 */
export function encodePlaintext(manifest: AnyManifest, plaintext: Plaintext): Uint8Array {
  if (manifest.version !== MANIFEST_VERSION_V1) return pad(plaintext, paddingOf(manifest));
  return te.encode(JSON.stringify(plaintext));
}

/** The plaintext from opened bytes; undefined when the framing or padding is broken. */
export function decodePlaintext(manifest: AnyManifest, bytes: Uint8Array): Plaintext | undefined {
  if (manifest.version !== MANIFEST_VERSION_V1) {
    const r = unpad(bytes, paddingOf(manifest));
    return r.ok ? r.fields : undefined;
  }
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
 * Submission signatures checked against each author's GitHub SSH signing keys
 * (read once per author, at the close), over the box, the manifest, the author
 * and the ciphertext (docs/spec/submission-v1.1.md).
 */
export function submissionSignatures(
  manifest: Manifest,
  manifestDigest: string,
  signingKeys: (login: string, authorId: number) => Promise<SigningKey[]>,
): SignatureCheck {
  const keys = new Map<number, Promise<string[]>>();
  const keysOf = (c: BusComment) => {
    let k = keys.get(c.author_id);
    if (!k) {
      k = signingKeys(c.author_login, c.author_id).then(
        (list) => list.map((x) => x.key),
        () => [],
      );
      keys.set(c.author_id, k);
    }
    return k;
  };
  return async (comment, ciphertextSha256) => {
    const verdict = await verifySubmissionSignature(
      comment.body,
      {
        box_id: manifest.box_id,
        manifest_digest: manifestDigest,
        author_id: comment.author_id,
        ciphertext_sha256: ciphertextSha256,
      },
      await keysOf(comment),
    );
    return verdict.ok ? { ok: true, signingKey: verdict.fingerprint } : { ok: false };
  };
}

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
    if (!parts) return { kind: contentReason({ armour: false, opened: false, framing: false })! };
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
    const reason = contentReason({
      armour: true,
      signature: signed?.ok,
      opened: Boolean(bytes),
      framing: Boolean(plaintext),
    });
    if (reason || !plaintext) return { kind: reason ?? 'malformed' };
    return { kind: 'opened', plaintext, ...(signed?.ok ? { signingKey: signed.signingKey } : {}) };
  };
}
