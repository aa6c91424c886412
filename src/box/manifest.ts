// The box manifest: what a box is, before anyone submits. Portable.
// Its exact bytes are what the manifest attestation's subject digest covers.
import * as z from 'zod/mini';
import { fromBase64, toBase64 } from '../bytes.ts';
import { SealboxError } from '../errors.ts';
import { parseDocument } from './document.ts';
import { SUITES, type SuiteName } from './hpke.ts';

export const MANIFEST_VERSION = 'sealbox-box/v1';

const digestHex = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'is not a sha256 hex digest'));

export const manifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION, 'is not sealbox-box/v1'),
  box_id: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a box id')),
  hpke: z.object({
    suite: z.enum(['x-wing', 'x25519']),
    kem_id: z.number(),
    kdf_id: z.number(),
    aead_id: z.number(),
    public_key: z.string().check(z.regex(/^[A-Za-z0-9+/]+={0,2}$/, 'is not base64')),
  }),
  window_seconds: z
    .number()
    .check(z.int(), z.positive(), z.lte(6 * 3600, 'is longer than a runner job may live')),
  bus: z.object({ kind: z.enum(['github-issue', 'directory']), address: z.string() }),
  rules: z.object({
    max_submissions: z.number().check(z.int(), z.positive()),
    max_bytes: z.number().check(z.int(), z.positive(), z.lte(65536)),
    one_per_author: z.enum(['first', 'last']),
    allowed_authors: z.nullable(z.array(z.number().check(z.int()))),
    min_participants: z.number().check(z.int(), z.nonnegative()),
  }),
  computation: z.object({ name: z.string(), parameters: z.record(z.string(), z.unknown()) }),
  run: z.object({
    repository: z.string(),
    workflow_ref: z.string(),
    run_id: z.string(),
    run_attempt: z.string(),
    sha: z.string(),
  }),
});

export type Manifest = z.infer<typeof manifestSchema>;

export function hpkeFields(suite: SuiteName, publicKey: Uint8Array): Manifest['hpke'] {
  const ids = SUITES[suite];
  return {
    suite,
    kem_id: ids.kem,
    kdf_id: ids.kdf,
    aead_id: ids.aead,
    public_key: toBase64(publicKey),
  };
}

/** The manifest's bytes: pretty JSON with a final newline. Once written, these bytes are the manifest. */
export function manifestBytes(m: Manifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m, null, 2) + '\n');
}

export function parseManifest(bytes: Uint8Array, label = 'manifest'): Manifest {
  const data = parseDocument(manifestSchema, bytes, label);
  const ids = SUITES[data.hpke.suite];
  if (
    ids.kem !== data.hpke.kem_id ||
    ids.kdf !== data.hpke.kdf_id ||
    ids.aead !== data.hpke.aead_id
  ) {
    throw new SealboxError(
      'INPUT_INVALID',
      `${label}: hpke ids do not match suite ${data.hpke.suite}`,
    );
  }
  return data;
}

export function publicKeyOf(m: Manifest): Uint8Array {
  return fromBase64(m.hpke.public_key);
}

const te = new TextEncoder();

/** HPKE info: binds every ciphertext to this manifest. */
export function hpkeInfo(manifestDigest: string): Uint8Array {
  return te.encode(`sealbox-box/v1 info ${manifestDigest}`);
}

/** HPKE aad: binds a ciphertext to the box and to the submitter's numeric GitHub user id. */
export function hpkeAad(boxId: string, authorId: number): Uint8Array {
  return te.encode(`sealbox-box/v1 aad ${boxId} ${authorId}`);
}

export { digestHex };
