// A reply key file (docs/spec/replies-v1.1.md, "Reply keys"): the key pair a
// participant makes for one submission, kept as its 32-byte seed with the box
// it is for. It is the participant's secret: `box submit` writes it to a file
// of its own (mode 0600), never into the receipt. Portable.
import * as z from 'zod/mini';
import { fromBase64, toBase64 } from '../bytes.ts';
import { SealboxError } from '../errors.ts';
import { parseJsonAs } from './document.ts';
import { boxKeyPairFromSeed, type BoxKeyPair, type SuiteName } from './hpke.ts';

export const REPLY_KEY_VERSION = 'sealbox-reply-key/v1.1';
export const SEED_LENGTH = 32;

export interface ReplyKeyFile {
  version: typeof REPLY_KEY_VERSION;
  suite: SuiteName;
  /** Standard base64 of the 32-byte seed: the private key. */
  seed: string;
  /** Standard base64 of the public key the seed makes (what the submission carries). */
  public_key: string;
  box_id: string;
  manifest_digest: string;
  /** OWNER/REPO#N, when the box is on GitHub. */
  box?: string;
  /** The submission's comment, once posted. */
  comment_id?: number;
}

export interface ReplyKey {
  file: ReplyKeyFile;
  keyPair: BoxKeyPair;
}

/** A fresh reply key for one submission to one box (the seed from the platform's CSPRNG unless given). */
export async function newReplyKey(
  suite: SuiteName,
  box: { box_id: string; manifest_digest: string; box?: string },
  seed: Uint8Array = crypto.getRandomValues(new Uint8Array(SEED_LENGTH)),
): Promise<ReplyKey> {
  const keyPair = await boxKeyPairFromSeed(suite, seed);
  return {
    keyPair,
    file: {
      version: REPLY_KEY_VERSION,
      suite,
      seed: toBase64(seed),
      public_key: toBase64(keyPair.publicKey),
      box_id: box.box_id,
      manifest_digest: box.manifest_digest,
      ...(box.box !== undefined ? { box: box.box } : {}),
    },
  };
}

/** The file's text: pretty JSON with a final newline. */
export function replyKeyText(file: ReplyKeyFile): string {
  return JSON.stringify(file, null, 2) + '\n';
}

const base64 = z.string().check(z.regex(/^[A-Za-z0-9+/]+={0,2}$/, 'is not base64'));
const schema = z.object({
  version: z.literal(REPLY_KEY_VERSION, `is not ${REPLY_KEY_VERSION}`),
  suite: z.enum(['x-wing', 'x25519']),
  seed: base64,
  public_key: base64,
  box_id: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a box id')),
  manifest_digest: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'is not a sha256 hex digest')),
  box: z.optional(z.string()),
  comment_id: z.optional(z.number().check(z.int(), z.positive())),
});

/**
 * A reply key file's contents, its key pair made again from the seed; an
 * INPUT_INVALID error naming the file otherwise (a public key that is not the
 * seed's is a file edited by hand).
 */
export async function parseReplyKey(text: string, label: string): Promise<ReplyKey> {
  const invalid = (why: string) =>
    new SealboxError('INPUT_INVALID', `${label}: is not a sealbox reply key (${why})`);
  const data = parseJsonAs(schema, text, invalid);
  const seed = fromBase64(data.seed);
  if (seed.length !== SEED_LENGTH || toBase64(seed) !== data.seed)
    throw invalid(`seed is not ${SEED_LENGTH} bytes of canonical base64`);
  const keyPair = await boxKeyPairFromSeed(data.suite, seed);
  if (toBase64(keyPair.publicKey) !== data.public_key)
    throw invalid('public_key is not the one its seed makes');
  return { file: data as ReplyKeyFile, keyPair };
}
