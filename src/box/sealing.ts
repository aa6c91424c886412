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
 * What the box keeps of a comment's content once judged, signature aside: the
 * armour decoded, HPKE opened it, and the plaintext when its framing is right.
 * Junk shares the constant ones below.
 */
export type Content = { armour: boolean; opened: boolean; plaintext?: Plaintext };
/** A comment's content as judged, for the author and ciphertext it was judged for. */
export interface Judged {
  author_id: number;
  ciphertextSha256: string;
  content: Content;
}
/** Where the judge keeps what it found, by comment id (a Map does; the host packs it). */
export interface JudgedMemo {
  get(commentId: number): Judged | undefined;
  set(commentId: number, judged: Judged): unknown;
}
export const NOT_ARMOUR: Content = Object.freeze({ armour: false, opened: false });
export const NOT_OPENED: Content = Object.freeze({ armour: true, opened: false });
export const BAD_FRAMING: Content = Object.freeze({ armour: true, opened: true });

/**
 * The box's judge of an armoured comment: armour, signature (when required),
 * decryption and framing, the first failure in the spec's order. Each comment
 * and ciphertext is opened once (`judged`, by comment id, in the ceremony's
 * scope only, keeps what was found for its latest ciphertext): polling judges
 * the same comments again and again, and a comment judged once may come back
 * without its armour (BusComment.withheld). The opened bytes live only in
 * this call; of a valid one, its plaintext is kept.
 */
export function boxJudge(
  manifest: AnyManifest,
  manifestDigest: string,
  key: BoxKeyPair,
  judged: JudgedMemo,
  signature?: SignatureCheck,
) {
  const info = hpkeInfo(manifestDigest);
  const content = async (comment: BusComment, armourText: string): Promise<Content> => {
    const parts = decodeArmour(armourText, manifest.hpke.suite);
    if (!parts) return NOT_ARMOUR;
    let bytes: Uint8Array;
    try {
      bytes = await open(
        key,
        parts.enc,
        parts.ct,
        info,
        hpkeAad(manifest.box_id, comment.author_id),
      );
    } catch {
      return NOT_OPENED;
    }
    const plaintext = decodePlaintext(manifest, bytes);
    bytes.fill(0);
    return plaintext ? { armour: true, opened: true, plaintext } : BAD_FRAMING;
  };
  return async (
    comment: BusComment,
    armourText: string | undefined,
    ciphertextSha256: string,
  ): Promise<Judgement> => {
    const kept = judged.get(comment.id);
    let found =
      kept?.author_id === comment.author_id && kept.ciphertextSha256 === ciphertextSha256
        ? kept.content
        : undefined;
    if (!found) {
      // Judged for another author (GitHub moved a deleted account's comments
      // to its ghost): the submission is bound to its author, so for the new
      // one it cannot open, as opening it again would have found; armour
      // that does not decode is malformed whoever posted it.
      if (armourText === undefined && kept && kept.ciphertextSha256 === ciphertextSha256)
        return { kind: kept.content.armour ? 'undecryptable' : 'malformed' };
      if (armourText === undefined)
        throw new Error(`comment ${comment.id} was neither kept nor judged before`);
      found = await content(comment, armourText);
      judged.set(comment.id, { author_id: comment.author_id, ciphertextSha256, content: found });
    }
    if (!found.armour)
      return { kind: contentReason({ armour: false, opened: false, framing: false })! };
    // A signature is checked against the body: a box requiring them keeps bodies.
    if (signature && armourText === undefined)
      throw new Error(`comment ${comment.id}: its signature cannot be checked without its body`);
    const signed = signature ? await signature(comment, ciphertextSha256) : undefined;
    const reason = contentReason({
      armour: true,
      signature: signed?.ok,
      opened: found.opened,
      framing: Boolean(found.plaintext),
    });
    if (reason || !found.plaintext) return { kind: reason ?? 'malformed' };
    return {
      kind: 'opened',
      plaintext: found.plaintext,
      ...(signed?.ok ? { signingKey: signed.signingKey } : {}),
    };
  };
}
