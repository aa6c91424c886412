// Fulcio certificate claims: every Sigstore extension (OID arc
// 1.3.6.1.4.1.57264.1) decoded into named fields. Portable (no Node APIs).
//
// Fulcio wrote the first six extensions as raw UTF-8 bytes; from .8 on they
// are DER UTF8Strings. Both are read, so old and new certificates parse alike.
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, GeneralNames, id_ce_subjectAltName } from '@peculiar/asn1-x509';
import { fromBER, Utf8String } from 'asn1js';
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
  const parsed = fromBER(Uint8Array.prototype.slice.call(bytes).buffer);
  if (parsed.offset === bytes.byteLength && parsed.result instanceof Utf8String) {
    return parsed.result.valueBlock.value;
  }
  // Tolerate a raw string where DER was expected (some private Fulcio instances).
  return decodeRaw(bytes, oid);
}

function decodeOtherName(bytes: Uint8Array, oid: string): string {
  const parsed = fromBER(Uint8Array.prototype.slice.call(bytes).buffer);
  const block = parsed.result as unknown as { valueBlock?: { value?: unknown } };
  return typeof block.valueBlock?.value === 'string'
    ? block.valueBlock.value
    : decodeRaw(bytes, oid);
}

function subjectAlternativeName(cert: Certificate): string | undefined {
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectAltName);
  if (!ext) return undefined;
  const names = AsnConvert.parse(ext.extnValue.buffer, GeneralNames);
  for (const name of names) {
    if (name.uniformResourceIdentifier) return name.uniformResourceIdentifier;
    if (name.rfc822Name) return name.rfc822Name;
    if (name.otherName) {
      return decodeOtherName(new Uint8Array(name.otherName.value), 'otherName');
    }
  }
  return undefined;
}

/** Parses a DER certificate (bytes) or PEM text into its Sigstore claims. */
export function parseClaims(certificate: Uint8Array | string): CertificateClaims {
  const der = typeof certificate === 'string' ? pemToDer(certificate) : certificate;
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch {
    throw new SealboxError('INPUT_INVALID', 'certificate is not a valid X.509 DER certificate');
  }
  const extensions: Record<string, string> = {};
  const claims: Record<string, string> = {};
  for (const ext of cert.tbsCertificate.extensions ?? []) {
    if (!ext.extnID.startsWith(`${FULCIO_OID_ARC}.`)) continue;
    const bytes = new Uint8Array(ext.extnValue.buffer);
    const oid = ext.extnID;
    let value: string;
    if (RAW_ENCODED.has(oid)) value = decodeRaw(bytes, oid);
    else if (oid === `${FULCIO_OID_ARC}.7`) value = decodeOtherName(bytes, oid);
    else value = decodeDerString(bytes, oid);
    extensions[oid] = value;
    const name = FULCIO_CLAIMS[oid as keyof typeof FULCIO_CLAIMS];
    if (name) claims[name] = value;
  }
  const { issuerV1, issuerV2, ...named } = claims;
  const validity = cert.tbsCertificate.validity;
  return {
    ...named,
    subjectAlternativeName: subjectAlternativeName(cert),
    issuer: issuerV2 ?? issuerV1,
    extensions,
    notBefore: validity.notBefore.getTime().toISOString(),
    notAfter: validity.notAfter.getTime().toISOString(),
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
