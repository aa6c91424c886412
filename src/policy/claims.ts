// Fulcio certificate claims: every Sigstore extension (OID arc
// 1.3.6.1.4.1.57264.1) decoded into named fields. Portable (no Node APIs).
//
// Fulcio wrote the first six extensions as raw UTF-8 bytes; from .8 on they
// are DER UTF8Strings. Both are read, so old and new certificates parse alike.
import { children, DerError, isContext, oidToString, readOnly, TAG, timeToIso } from './der.ts';
import { SealboxError } from '../errors.ts';

export const FULCIO_OID_ARC = '1.3.6.1.4.1.57264.1';

/** Claim names by OID, from Fulcio's OID directory (docs/oid-info.md). */
export const FULCIO_CLAIMS = {
  '1.3.6.1.4.1.57264.1.1': 'issuerV1',
  '1.3.6.1.4.1.57264.1.2': 'githubWorkflowTrigger',
  '1.3.6.1.4.1.57264.1.3': 'githubWorkflowSha',
  '1.3.6.1.4.1.57264.1.4': 'githubWorkflowName',
  '1.3.6.1.4.1.57264.1.5': 'githubWorkflowRepository',
  '1.3.6.1.4.1.57264.1.6': 'githubWorkflowRef',
  '1.3.6.1.4.1.57264.1.7': 'otherName',
  '1.3.6.1.4.1.57264.1.8': 'issuerV2',
  '1.3.6.1.4.1.57264.1.9': 'buildSignerURI',
  '1.3.6.1.4.1.57264.1.10': 'buildSignerDigest',
  '1.3.6.1.4.1.57264.1.11': 'runnerEnvironment',
  '1.3.6.1.4.1.57264.1.12': 'sourceRepositoryURI',
  '1.3.6.1.4.1.57264.1.13': 'sourceRepositoryDigest',
  '1.3.6.1.4.1.57264.1.14': 'sourceRepositoryRef',
  '1.3.6.1.4.1.57264.1.15': 'sourceRepositoryIdentifier',
  '1.3.6.1.4.1.57264.1.16': 'sourceRepositoryOwnerURI',
  '1.3.6.1.4.1.57264.1.17': 'sourceRepositoryOwnerIdentifier',
  '1.3.6.1.4.1.57264.1.18': 'buildConfigURI',
  '1.3.6.1.4.1.57264.1.19': 'buildConfigDigest',
  '1.3.6.1.4.1.57264.1.20': 'buildTrigger',
  '1.3.6.1.4.1.57264.1.21': 'runInvocationURI',
  '1.3.6.1.4.1.57264.1.22': 'sourceRepositoryVisibilityAtSigning',
  '1.3.6.1.4.1.57264.1.23': 'deploymentEnvironment',
  '1.3.6.1.4.1.57264.1.24': 'tokenSubject',
} as const;

type ClaimName = (typeof FULCIO_CLAIMS)[keyof typeof FULCIO_CLAIMS];

// OIDs Fulcio encoded as raw bytes rather than DER.
const RAW_ENCODED = new Set([1, 2, 3, 4, 5, 6].map((n) => `${FULCIO_OID_ARC}.${n}`));

export type CertificateClaims = {
  /** The certificate's subject alternative name (URI, email or other name). */
  subjectAlternativeName?: string;
  /** The OIDC issuer: extension .8, or legacy .1 when .8 is absent. */
  issuer?: string;
  /** Every Sigstore extension found, by OID, decoded to text (unknown future OIDs too). */
  extensions: Record<string, string>;
  notBefore: string;
  notAfter: string;
} & Partial<Record<Exclude<ClaimName, 'issuerV1' | 'issuerV2'>, string>>;

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeRaw(bytes: Uint8Array, oid: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new SealboxError('INPUT_INVALID', `certificate extension ${oid} is not UTF-8`);
  }
}

function decodeDerString(bytes: Uint8Array, oid: string): string {
  try {
    const tlv = readOnly(bytes);
    if (tlv.tag === TAG.UTF8_STRING) return decodeRaw(tlv.value, oid);
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
  }
  // Tolerate a raw string where DER was expected (some private Fulcio instances).
  return decodeRaw(bytes, oid);
}

// OtherName's value: [0] EXPLICIT UTF8String.
function decodeOtherName(bytes: Uint8Array, oid: string): string {
  try {
    const outer = readOnly(bytes);
    const inner = isContext(outer.tag, 0) ? readOnly(outer.value) : outer;
    if (inner.tag === TAG.UTF8_STRING) return decodeRaw(inner.value, oid);
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
  }
  return decodeRaw(bytes, oid);
}

const SUBJECT_ALT_NAME = '2.5.29.17';

// GeneralNames: the first URI [6], email [1] or other name [0] (Fulcio's username SAN).
function subjectAlternativeName(value: Uint8Array): string | undefined {
  for (const name of children(readOnly(value).value)) {
    if (isContext(name.tag, 6) || isContext(name.tag, 1))
      return decodeRaw(name.value, 'subjectAltName');
    if (isContext(name.tag, 0)) {
      const [, explicit] = children(name.value);
      if (explicit) return decodeOtherName(explicit.value, 'subjectAltName');
    }
  }
  return undefined;
}

interface ParsedCertificate {
  extensions: { oid: string; value: Uint8Array }[];
  notBefore: string;
  notAfter: string;
}

// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
// TBSCertificate ::= SEQUENCE { [0] version, serial, signature, issuer, validity,
//   subject, subjectPublicKeyInfo, [1] issuerUID, [2] subjectUID, [3] extensions }
// Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
function parseCertificate(der: Uint8Array): ParsedCertificate {
  const cert = readOnly(der);
  if (cert.tag !== TAG.SEQUENCE) throw new DerError('not a certificate');
  const [tbs] = children(cert.value);
  if (tbs?.tag !== TAG.SEQUENCE) throw new DerError('no TBSCertificate');
  const fields = children(tbs.value);
  const first = isContext(fields[0]?.tag ?? 0, 0) ? 1 : 0;
  const validity = fields[first + 3];
  if (validity?.tag !== TAG.SEQUENCE) throw new DerError('no validity');
  const [notBefore, notAfter] = children(validity.value);
  if (!notBefore || !notAfter) throw new DerError('no validity');
  const extensions: ParsedCertificate['extensions'] = [];
  const extField = fields.slice(first + 6).find((f) => isContext(f.tag, 3));
  if (extField) {
    for (const ext of children(readOnly(extField.value).value)) {
      const parts = children(ext.value);
      const oid = parts[0];
      const value = parts[parts.length - 1];
      if (oid?.tag !== TAG.OID || value?.tag !== TAG.OCTET_STRING)
        throw new DerError('bad extension');
      extensions.push({ oid: oidToString(oid.value), value: value.value });
    }
  }
  return { extensions, notBefore: timeToIso(notBefore), notAfter: timeToIso(notAfter) };
}

/** Parses a DER certificate (bytes) or PEM text into its Sigstore claims. */
export function parseClaims(certificate: Uint8Array | string): CertificateClaims {
  const der = typeof certificate === 'string' ? pemToDer(certificate) : certificate;
  let cert: ParsedCertificate;
  try {
    cert = parseCertificate(der);
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    throw new SealboxError('INPUT_INVALID', 'certificate is not a valid X.509 DER certificate');
  }
  const extensions: Record<string, string> = {};
  const claims: Record<string, string> = {};
  let san: string | undefined;
  for (const { oid, value: bytes } of cert.extensions) {
    if (oid === SUBJECT_ALT_NAME) {
      try {
        san = subjectAlternativeName(bytes);
      } catch (e) {
        if (!(e instanceof DerError)) throw e;
        throw new SealboxError(
          'INPUT_INVALID',
          'certificate subject alternative name is not valid DER',
        );
      }
    }
    if (!oid.startsWith(`${FULCIO_OID_ARC}.`)) continue;
    let value: string;
    if (RAW_ENCODED.has(oid)) value = decodeRaw(bytes, oid);
    else if (oid === `${FULCIO_OID_ARC}.7`) value = decodeOtherName(bytes, oid);
    else value = decodeDerString(bytes, oid);
    extensions[oid] = value;
    const name = FULCIO_CLAIMS[oid as keyof typeof FULCIO_CLAIMS];
    if (name) claims[name] = value;
  }
  const { issuerV1, issuerV2, ...named } = claims;
  return {
    ...named,
    subjectAlternativeName: san,
    issuer: issuerV2 ?? issuerV1,
    extensions,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

/** Decodes the first PEM block of text to DER bytes. */
export function pemToDer(pem: string): Uint8Array {
  const match = /-----BEGIN [A-Z ]+-----([\s\S]*?)-----END [A-Z ]+-----/.exec(pem);
  if (!match?.[1]) throw new SealboxError('INPUT_INVALID', 'certificate is not PEM');
  const b64 = match[1].replace(/\s+/g, '');
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
