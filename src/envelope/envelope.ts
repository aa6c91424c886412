// Signed result envelopes: the two formats, how each is recognised, and its
// content hash. Portable (WebCrypto only).
//
// - InferenceBench v1 (upstream, read byte for byte): `envelope_version: "v1"`,
//   a `signature` of method `dev-key` or `sigstore-cosign`; content hash =
//   SHA-256 of Python's json.dumps(sort_keys, compact) of the body.
// - sealbox envelope v1 (ours): any JSON object with `sealbox_envelope: "v1"`
//   and a `signature` holding a Sigstore bundle; content hash = SHA-256 of the
//   RFC 8785 (JCS) form of the body. See docs/spec/envelope-v1.md.
import { SealboxError } from '../errors.ts';
import { jcs } from './jcs.ts';
import type { MemberScan } from './members.ts';
import { readLossless, pythonDumps, repeatedMember, type LosslessValue } from './python-json.ts';
import { EnvelopeRefusal } from './refusal.ts';
import { sha256Hex } from '../bytes.ts';

export type EnvelopeFormat = 'sealbox' | 'inferencebench';

export const SEALBOX_MARKER = 'sealbox_envelope';
export const SEALBOX_VERSION = 'v1';
/** The in-toto predicate type of a sealbox envelope's signed statement. */
export const ENVELOPE_PREDICATE_TYPE =
  'https://github.com/sealbox/sealbox/blob/main/docs/spec/envelope-v1.md';
/** The subject name in that statement; its sha256 digest is the content hash. */
export const ENVELOPE_SUBJECT = 'sealbox-envelope';

export type LosslessObject = { [key: string]: LosslessValue };

export interface ParsedEnvelope {
  label: string;
  format: EnvelopeFormat;
  /** The whole document (with its signature, if any). */
  document: LosslessObject;
  /** The document without `signature`: what the content hash covers. */
  body: LosslessObject;
  signature?: LosslessValue;
  /** What the text's member names showed (a repeated name, a __proto__ member), by path. */
  members: MemberScan;
}

function isObject(v: unknown): v is LosslessObject {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v as { isLosslessNumber?: boolean }).isLosslessNumber
  );
}

/** Recognises the format, or takes the one forced with --format-in. */
export function parseEnvelope(
  text: string,
  label: string,
  formatIn?: EnvelopeFormat,
): ParsedEnvelope {
  const { value: document, members } = readLossless(text, label);
  if (!isObject(document))
    throw new SealboxError('INPUT_INVALID', `${label}: an envelope is a JSON object`);
  const { signature, ...body } = document;
  let format = formatIn;
  if (!format) {
    if (Object.hasOwn(body, SEALBOX_MARKER)) format = 'sealbox';
    else if (body.envelope_version === 'v1') format = 'inferencebench';
    // Neither marker: read as sealbox, whose hash then refuses it (NO_MARKER); signing adds the marker.
    else format = 'sealbox';
  }
  if (
    format === 'sealbox' &&
    body[SEALBOX_MARKER] !== undefined &&
    body[SEALBOX_MARKER] !== SEALBOX_VERSION
  ) {
    throw new SealboxError(
      'INPUT_INVALID',
      `${label}: ${SEALBOX_MARKER} ${JSON.stringify(body[SEALBOX_MARKER])} is not a version this sealbox reads (${SEALBOX_VERSION})`,
    );
  }
  return { label, format, document, body, signature, members };
}

/** Throws the refusal of a document its format does not hash (docs/spec/envelope-v1.md, "Refusals"). */
function refuseUnhashable(env: ParsedEnvelope): void {
  if (env.members.repeated) throw repeatedMember(env.label, env.members.repeated);
  if (env.format !== 'sealbox') return;
  if (!Object.hasOwn(env.body, SEALBOX_MARKER))
    throw new EnvelopeRefusal(
      'NO_MARKER',
      env.label,
      `has no ${SEALBOX_MARKER} member, so it is not a sealbox envelope (envelope sign adds it)`,
    );
  if (env.members.proto)
    throw new EnvelopeRefusal(
      'PROTO_MEMBER',
      env.label,
      `has a member named __proto__ at ${env.members.proto}: JavaScript readers drop it or take it as a prototype, so a sealbox envelope may not hold one`,
    );
}

/** The canonical bytes the content hash is taken over; throws an EnvelopeRefusal for a document its format refuses. */
export function canonicalBody(env: ParsedEnvelope): string {
  refuseUnhashable(env);
  return env.format === 'inferencebench' ? pythonDumps(env.body) : jcs(env.body, env.label);
}

/** The content hash, lowercase hex (SHA-256 by WebCrypto unless another is given). */
export async function contentHash(
  env: ParsedEnvelope,
  sha256: (bytes: Uint8Array) => string | Promise<string> = sha256Hex,
): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalBody(env));
  return sha256(bytes);
}

export { sha256Hex } from '../bytes.ts';

/** The fields the upstream verifier prints, read from the body ('-' when absent). */
export function displayFields(body: LosslessObject): {
  suite: string;
  model: string;
  engine: string;
} {
  const str = (v: LosslessValue | undefined) => (typeof v === 'string' && v ? v : undefined);
  const obj = (v: LosslessValue | undefined) => (isObject(v) ? v : {});
  const suite = str(body.suite_id);
  const suiteVersion = str(body.suite_version);
  const engine = obj(body.engine);
  return {
    suite: suite ? `${suite}${suiteVersion ? ` v${suiteVersion}` : ''}` : '-',
    model: str(obj(body.model).id) ?? '-',
    engine: str(engine.name)
      ? `${str(engine.name)}${str(engine.version) ? ` v${str(engine.version)}` : ''}`
      : '-',
  };
}
