// Sigstore instances, and which one a bundle belongs to. Portable (no Node APIs).
//
// Two instances sign GitHub's attestations: Sigstore's public-good instance
// (public repositories: Fulcio, Rekor) and GitHub's own (private repositories:
// fulcio.githubapp.com and timestamp.githubapp.com, no Rekor). As
// `gh attestation verify` does, a bundle is verified against the trusted root
// of the instance that issued it, never against both: a bundle whose leaf
// certificate, or one of whose RFC 3161 timestamps, was issued by GitHub's
// instance goes to GitHub's root; any other to public-good's. "Issued by
// GitHub's instance" means: the issuer's name is the subject of a certificate
// in GitHub's trusted root (when one is loaded), or its organization is
// "GitHub, Inc." (gh's test, which also names the root that is missing).
//
// The instances differ in what times a signature: public-good requires a
// transparency-log entry (and SCTs in the certificate); GitHub's instance
// keeps no log and requires an RFC 3161 timestamp from its authority instead.
import type { Bundle } from '@sigstore/bundle';
import {
  children,
  DerError,
  isContext,
  oidToString,
  readOnly,
  readTlv,
  TAG,
} from '../policy/der.ts';
import type { LoadedTrustedRoot } from './trusted-root.ts';

export const INSTANCES = {
  'public-good': {
    title: "Sigstore's public-good instance",
    rootLabel: 'public-good root',
    tufRepository: 'https://tuf-repo-cdn.sigstore.dev',
    issuerOrganization: 'sigstore.dev',
  },
  github: {
    title: "GitHub's Sigstore instance",
    rootLabel: 'GitHub root',
    tufRepository: 'https://tuf-repo.github.com',
    issuerOrganization: 'GitHub, Inc.',
  },
} as const;

export type InstanceName = keyof typeof INSTANCES;
export const INSTANCE_NAMES = Object.keys(INSTANCES) as InstanceName[];

export function isInstanceName(name: string): name is InstanceName {
  return Object.hasOwn(INSTANCES, name);
}

/** What a signature from an instance must carry. */
export interface InstanceRequirements {
  /** A transparency-log entry (waived for key-signed bundles only by --insecure-ignore-tlog). */
  tlog: boolean;
  /** A signed certificate timestamp in a Fulcio certificate. */
  sct: boolean;
  /** An RFC 3161 timestamp from one of the root's timestamp authorities. */
  signedTimestamp: boolean;
}

export const INSTANCE_REQUIREMENTS: Record<InstanceName, InstanceRequirements> = {
  'public-good': { tlog: true, sct: true, signedTimestamp: false },
  github: { tlog: false, sct: false, signedTimestamp: true },
};

const ORGANIZATION = '2.5.4.10';
// UTF8String, PrintableString, T61String, IA5String (GitHub's and Sigstore's names use the first two).
const STRING_TAGS = new Set([0x0c, 0x13, 0x14, 0x16]);

/** The contents of a certificate's issuer and subject Names (DER), for comparison. */
function certificateNames(der: Uint8Array): { issuer: Uint8Array; subject: Uint8Array } {
  const cert = readOnly(der);
  if (cert.tag !== TAG.SEQUENCE) throw new DerError('not a certificate');
  const [tbs] = children(cert.value);
  if (tbs?.tag !== TAG.SEQUENCE) throw new DerError('no TBSCertificate');
  const fields = children(tbs.value);
  const first = isContext(fields[0]?.tag ?? 0, 0) ? 1 : 0;
  // serial, signature, issuer, validity, subject
  const issuer = fields[first + 2];
  const subject = fields[first + 4];
  if (issuer?.tag !== TAG.SEQUENCE || subject?.tag !== TAG.SEQUENCE)
    throw new DerError('no issuer or subject');
  return { issuer: issuer.value, subject: subject.value };
}

/**
 * The issuer Name of an RFC 3161 response's signer:
 * TimeStampResp { status, ContentInfo { OID, [0] SignedData { ..., signerInfos } } },
 * SignerInfo { version, sid: IssuerAndSerialNumber { issuer, serial } | [0] keyId, ... }.
 */
function timestampSignerIssuer(der: Uint8Array): Uint8Array | undefined {
  const response = readOnly(der);
  if (response.tag !== TAG.SEQUENCE) throw new DerError('not a timestamp response');
  const token = children(response.value)[1];
  if (token?.tag !== TAG.SEQUENCE) return undefined;
  const content = children(token.value).find((t) => isContext(t.tag, 0));
  if (!content) return undefined;
  const signedData = readOnly(content.value);
  const parts = children(signedData.value);
  const signerInfos = parts[parts.length - 1];
  if (signerInfos?.tag !== 0x31) return undefined;
  const signerInfo = children(signerInfos.value)[0];
  if (signerInfo?.tag !== TAG.SEQUENCE) return undefined;
  const sid = children(signerInfo.value)[1];
  if (sid?.tag !== TAG.SEQUENCE) return undefined; // a key identifier names no issuer
  const issuer = readTlv(sid.value);
  return issuer.tag === TAG.SEQUENCE ? issuer.value : undefined;
}

/** The organization (O=) of a Name's contents, if it has exactly one. */
export function nameOrganization(name: Uint8Array): string | undefined {
  const found: string[] = [];
  for (const rdn of children(name)) {
    for (const attribute of children(rdn.value)) {
      const [type, value] = children(attribute.value);
      if (type?.tag !== TAG.OID || !value || oidToString(type.value) !== ORGANIZATION) continue;
      if (STRING_TAGS.has(value.tag)) found.push(new TextDecoder().decode(value.value));
    }
  }
  return found.length === 1 ? found[0] : undefined;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

// The subject Names of every certificate in a root, computed once per root.
const subjectsCache = new WeakMap<LoadedTrustedRoot, Uint8Array[]>();

function rootSubjects(root: LoadedTrustedRoot): Uint8Array[] {
  let subjects = subjectsCache.get(root);
  if (subjects) return subjects;
  subjects = [];
  for (const authority of [
    ...root.root.certificateAuthorities,
    ...root.root.timestampAuthorities,
  ]) {
    for (const certificate of authority.certChain?.certificates ?? []) {
      try {
        subjects.push(certificateNames(certificate.rawBytes).subject);
      } catch (e) {
        if (!(e instanceof DerError)) throw e;
      }
    }
  }
  subjectsCache.set(root, subjects);
  return subjects;
}

/** The issuer Names a bundle carries: its leaf certificate's, and each RFC 3161 signer's. */
function bundleIssuers(bundle: Bundle): Uint8Array[] {
  const names: Uint8Array[] = [];
  const content = bundle.verificationMaterial.content;
  const leaf =
    content.$case === 'certificate'
      ? content.certificate.rawBytes
      : content.$case === 'x509CertificateChain'
        ? content.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  const attempt = (read: () => Uint8Array | undefined) => {
    try {
      const name = read();
      if (name) names.push(name);
    } catch (e) {
      // Bytes a stranger wrote: unreadable evidence is no evidence; Sigstore's
      // verification then fails the bundle on the same bytes.
      if (!(e instanceof DerError)) throw e;
    }
  };
  if (leaf) attempt(() => certificateNames(leaf).issuer);
  for (const t of bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? [])
    attempt(() => timestampSignerIssuer(t.signedTimestamp));
  return names;
}

/**
 * The instance that issued a bundle: GitHub's if its leaf certificate or an
 * RFC 3161 timestamp was issued by a certificate of a loaded GitHub root, or
 * by an organization named "GitHub, Inc."; otherwise public-good.
 */
export function bundleInstance(bundle: Bundle, roots: readonly LoadedTrustedRoot[]): InstanceName {
  const githubSubjects = roots.filter((r) => r.instance === 'github').flatMap(rootSubjects);
  for (const issuer of bundleIssuers(bundle)) {
    if (githubSubjects.some((subject) => sameBytes(subject, issuer))) return 'github';
    try {
      if (nameOrganization(issuer) === INSTANCES.github.issuerOrganization) return 'github';
    } catch (e) {
      if (!(e instanceof DerError)) throw e;
    }
  }
  return 'public-good';
}
