// Sigstore bundles: reading and strict validation. Portable (no Node APIs).
//
// @sigstore/bundle checks the shape; we add what it leaves loose: the media
// type must be one the specification defines (a loose pattern would accept
// "version=0.9"), and every bytes field must be real base64, because
// protobuf's decoder silently drops what it cannot read.
import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  bundleFromJSON,
  type Bundle,
} from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { SealboxError, describe } from '../errors.ts';
import { readOnly, TAG } from '../policy/der.ts';

export const BUNDLE_MEDIA_TYPES: readonly string[] = [
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
];

/** The digest algorithm of a message signature's digest, by name; undefined for one sealbox does not hash with. */
export function digestAlgorithmName(algorithm: HashAlgorithm): 'sha256' | 'sha512' | undefined {
  return algorithm === HashAlgorithm.SHA2_256
    ? 'sha256'
    : algorithm === HashAlgorithm.SHA2_512
      ? 'sha512'
      : undefined;
}

/** A bundle as read from its source, with a label for messages ("b.json", "b.jsonl#2"). */
export interface ParsedBundle {
  bundle: Bundle;
  json: Record<string, unknown>;
  label: string;
}

// Fields of the bundle's JSON form that carry bytes (protobuf `bytes`).
const BYTES_FIELDS = new Set([
  'rawBytes',
  'signature',
  'digest',
  'payload',
  'sig',
  'keyId',
  'canonicalizedBody',
  'signedEntryTimestamp',
  'rootHash',
  'hashes',
  'signedTimestamp',
]);

// Line breaks are tolerated, as Go's and Node's base64 decoders do.
function isBase64(text: string): boolean {
  const s = text.replace(/\r?\n/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) return false;
  if (s.includes('=')) return s.length % 4 === 0;
  return s.length % 4 !== 1;
}

/** A value met while walking a bundle: where it hangs (its path is built only for an error). */
interface Walked {
  value: unknown;
  parent?: Walked;
  key?: string | number;
}

function pathOf(w: Walked): string {
  const keys: (string | number)[] = [];
  for (let at: Walked | undefined = w; at?.parent; at = at.parent) keys.push(at.key!);
  let path = '';
  for (const key of keys.reverse())
    path = typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
  return path;
}

/**
 * Every bytes field, wherever it is, must be base64. Walked with a stack of
 * its own, not by recursion, and with paths built only for the error: a
 * bundle nested however deep (unknown fields are allowed) costs time and
 * memory linear in its size, never the thread's stack.
 */
function checkBytesFields(root: unknown, label: string): void {
  const stack: Walked[] = [{ value: root }];
  while (stack.length) {
    const at = stack.pop()!;
    const { value, key } = at;
    if (typeof key === 'string' && BYTES_FIELDS.has(key)) {
      const items = Array.isArray(value) ? value : [value];
      if (items.every((x) => typeof x === 'string')) {
        for (const item of items as string[]) {
          if (!isBase64(item)) {
            throw new SealboxError(
              'BUNDLE_INVALID',
              `bundle ${label}: ${pathOf(at)} is not valid base64`,
            );
          }
        }
        continue;
      }
    }
    // Children in reverse, so that they are met in their order.
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], parent: at, key: i });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--)
        stack.push({ value: entries[i]![1], parent: at, key: entries[i]![0] });
    }
  }
}

/** Validates one bundle object. Throws BUNDLE_INVALID naming the input and field. */
export function parseBundle(json: unknown, label: string): ParsedBundle {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SealboxError('BUNDLE_INVALID', `bundle ${label}: is not a JSON object`);
  }
  const obj = json as Record<string, unknown>;
  const mediaType = obj.mediaType;
  if (typeof mediaType !== 'string' || !BUNDLE_MEDIA_TYPES.includes(mediaType)) {
    throw new SealboxError(
      'BUNDLE_INVALID',
      `bundle ${label}: media type ${JSON.stringify(mediaType ?? null)} is not a Sigstore bundle v0.1 to v0.3`,
    );
  }
  checkBytesFields(obj, label);
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(obj);
  } catch (e) {
    const fields = (e as { fields?: string[] }).fields;
    const detail = fields?.length ? `${describe(e)} (${fields.join(', ')})` : describe(e);
    throw new SealboxError('BUNDLE_INVALID', `bundle ${label}: ${detail}`, { cause: e });
  }
  checkTimestampsAreDer(bundle, label);
  return { bundle, json: obj, label };
}

// The CMS wrapper of an RFC 3161 timestamp is not covered by the TSA's
// signature, and @sigstore/core's parser is lenient about it; a timestamp that
// is not one complete DER SEQUENCE is refused here.
function checkTimestampsAreDer(bundle: Bundle, label: string): void {
  const stamps = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? [];
  stamps.forEach((ts, i) => {
    let ok: boolean;
    try {
      ok = readOnly(ts.signedTimestamp).tag === TAG.SEQUENCE;
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new SealboxError(
        'BUNDLE_INVALID',
        `bundle ${label}: RFC 3161 timestamp ${i} is not a DER-encoded timestamp token`,
      );
    }
  });
}

function unwrap(doc: unknown): unknown {
  // `gh attestation download` and the attestations API wrap the bundle.
  if (doc && typeof doc === 'object' && !('mediaType' in doc) && 'bundle' in doc) {
    return (doc as { bundle: unknown }).bundle;
  }
  return doc;
}

/** Parses bundle text: one JSON bundle, or JSON Lines of bundles (as `gh attestation download` writes). */
export function parseBundleText(text: string, label: string): ParsedBundle[] {
  const trimmed = text.trim();
  if (!trimmed) throw new SealboxError('BUNDLE_INVALID', `bundle ${label}: is empty`);
  try {
    return [parseBundle(unwrap(JSON.parse(trimmed)), label)];
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
  }
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length < 2) {
    throw new SealboxError('BUNDLE_INVALID', `bundle ${label}: is not JSON`);
  }
  return lines.map((line, i) => {
    const lineLabel = `${label}#${i + 1}`;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      throw new SealboxError('BUNDLE_INVALID', `bundle ${lineLabel}: is not JSON`);
    }
    return parseBundle(unwrap(doc), lineLabel);
  });
}

/**
 * A digest stands for an artifact only where the signature covers a digest
 * (DSSE statements name their subjects by digest). A message signature is
 * checked against the artifact's bytes, so when every bundle is one, a digest
 * given instead of the file is an input limitation, not a failed verification.
 */
export function digestOnlyLimitation(
  bundles: ParsedBundle[],
  artifact: { label: string; read?: unknown },
): string | undefined {
  if (artifact.read !== undefined || !bundles.length) return undefined;
  if (!bundles.every((b) => b.bundle.content.$case === 'messageSignature')) return undefined;
  const which = bundles.length === 1 ? `bundle ${bundles[0]!.label} is` : 'the bundles are';
  return `artifact ${artifact.label}: ${which} a message signature, an EC signature over the file's bytes that a digest alone cannot check; give the file (a digest is enough only for DSSE attestations)`;
}
