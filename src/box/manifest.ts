// The box manifest: what a box is, before anyone submits. Portable.
// Its exact bytes are what the manifest attestation's subject digest covers.
import * as z from 'zod/mini';
import { fromBase64, toBase64 } from '../bytes.ts';
import { SealboxError } from '../errors.ts';
import { MANIFEST_BOUNDS, parseDocument, peekVersion } from './document.ts';
import { SUITES, type SuiteName } from './hpke.ts';

export const MANIFEST_VERSION = 'sealbox-box/v1.1';
export const MANIFEST_VERSION_V1 = 'sealbox-box/v1';

const digestHex = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'is not a sha256 hex digest'));
const repository = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'is not OWNER/REPO'));
const whole = z.number().check(z.int(), z.nonnegative());

const common = {
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
  computation: z.object({ name: z.string(), parameters: z.record(z.string(), z.unknown()) }),
  run: z.object({
    repository: z.string(),
    workflow_ref: z.string(),
    run_id: z.string(),
    run_attempt: z.string(),
    sha: z.string(),
  }),
};
const rulesV1 = {
  max_submissions: z.number().check(z.int(), z.positive()),
  max_bytes: z.number().check(z.int(), z.positive(), z.lte(65536)),
  one_per_author: z.enum(['first', 'last']),
  allowed_authors: z.nullable(z.array(z.number().check(z.int()))),
  min_participants: z.number().check(z.int(), z.nonnegative()),
};

/** The bus of a v1.1 box: the issue it announces itself in, and who posts as the box. */
export const busSchema = z.union([
  z.object({
    kind: z.literal('github-issue'),
    address: z.string(),
    repository,
    issue: z.number().check(z.int(), z.positive()),
    issue_node_id: z.string().check(z.minLength(1)),
    author: z.object({ id: whole, login: z.string() }),
  }),
  z.object({ kind: z.literal('directory'), address: z.string() }),
]);

export const manifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION, `is not ${MANIFEST_VERSION}`),
  ...common,
  bus: busSchema,
  rules: z.object({ ...rulesV1, signed_submissions: z.boolean() }),
});

/** v1 (unreleased): the bus named by address only, no signed submissions. */
export const manifestSchemaV1 = z.object({
  version: z.literal(MANIFEST_VERSION_V1),
  ...common,
  bus: z.object({ kind: z.enum(['github-issue', 'directory']), address: z.string() }),
  rules: z.object(rulesV1),
});

export type ManifestV1 = z.infer<typeof manifestSchemaV1>;
export type Manifest = z.infer<typeof manifestSchema>;
export type Bus = Manifest['bus'];
export type GitHubIssueBus = Extract<Bus, { kind: 'github-issue' }>;
/** Either version, as read back: v1 evidence verifies only where explicitly allowed. */
export type AnyManifest = Manifest | ManifestV1;

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

/** A v1.1 manifest (what boxes write and participants seal to). */
export function parseManifest(bytes: Uint8Array, label = 'manifest'): Manifest {
  return checkIds(parseDocument(manifestSchema, bytes, label, MANIFEST_BOUNDS), label);
}

/** A manifest of either version (what a verifier reads back). */
export function parseAnyManifest(bytes: Uint8Array, label = 'manifest'): AnyManifest {
  const version = peekVersion(bytes);
  return version === MANIFEST_VERSION_V1
    ? checkIds(parseDocument(manifestSchemaV1, bytes, label, MANIFEST_BOUNDS), label)
    : parseManifest(bytes, label);
}

function checkIds<M extends AnyManifest>(data: M, label: string): M {
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

/** The issue bus a v1.1 manifest names, if it names one. */
export function issueBusOf(m: AnyManifest): GitHubIssueBus | undefined {
  return m.version === MANIFEST_VERSION && m.bus.kind === 'github-issue' ? m.bus : undefined;
}

export function publicKeyOf(m: AnyManifest): Uint8Array {
  return fromBase64(m.hpke.public_key);
}

export { digestHex };
