// A certificate authority for people: the same CA key, root and CT log as the
// stack's Fulcio, but the certificate names its signer by an email address
// (an rfc822Name SAN), as real Fulcio does for a login through an email
// issuer. @sigstore/mock's CA writes a URI SAN whatever it is given, so this
// issues the certificate itself, the way the mock does otherwise: a
// precertificate logged to the CT log, then the certificate with its SCT.
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { initializeCA, initializeCTLog } from '@sigstore/mock';
import type { KeyPair } from './state.ts';

type CA = Awaited<ReturnType<typeof initializeCA>>;
type CTLog = Awaited<ReturnType<typeof initializeCTLog>>;

const SCT_LIST_OID = '1.3.6.1.4.1.11129.2.4.2';
const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const MINUTE = 60_000;

/** DER: one tag-length-value (lengths below 64 KiB, all a certificate extension needs here). */
function der(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Uint8Array.from([tag, ...length, ...content]);
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Fulcio's first extensions are raw UTF-8; the later ones DER UTF8Strings (as the mock writes them). */
function extensionValue(value: string, legacy: boolean | undefined): Uint8Array {
  return legacy ? utf8(value) : der(0x0c, utf8(value));
}

// The SCT list as the mock writes it (and @sigstore/verify reads it): a
// two-byte length, then the serialized SCT, inside an OCTET STRING.
function sctListExtension(sct: ArrayBuffer): x509.Extension {
  const bytes = new Uint8Array(sct);
  const list = Uint8Array.from([bytes.length >> 8, bytes.length & 0xff, ...bytes]);
  return new x509.Extension(SCT_LIST_OID, false, der(0x04, list) as Uint8Array<ArrayBuffer>);
}

/** A CA (as @sigstore/mock's Fulcio handler takes one) whose certificates carry an email SAN. */
export function emailCertificateAuthority(ca: CA, ctLog: CTLog, caKey: KeyPair): CA {
  const crypto = globalThis.crypto;
  const root = new x509.X509Certificate(ca.rootCertificate);
  const spki = caKey.publicKey.export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(spki).digest();
  const issuerId = digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.length);
  const caKeys = Promise.all([
    crypto.subtle.importKey('spki', spki, P256, true, ['verify']),
    crypto.subtle.importKey(
      'pkcs8',
      caKey.privateKey.export({ type: 'pkcs8', format: 'der' }),
      P256,
      false,
      ['sign'],
    ),
  ]);
  return {
    rootCertificate: ca.rootCertificate,
    async issueCertificate(options) {
      const publicKey = await crypto.subtle.importKey('spki', options.publicKey, P256, true, [
        'verify',
      ]);
      const [caPublic, caPrivate] = await caKeys;
      const now = new Date();
      const extensions: x509.Extension[] = [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
        new x509.SubjectAlternativeNameExtension(
          [{ type: 'email', value: options.subjectAltName }],
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caPublic, false, crypto),
        ...(options.extensions ?? []).map(
          (e) =>
            new x509.Extension(
              e.oid,
              false,
              extensionValue(e.value, e.legacy) as Uint8Array<ArrayBuffer>,
            ),
        ),
      ];
      const request = {
        serialNumber: createHash('sha256').update(crypto.randomUUID()).digest('hex').slice(0, 16),
        notBefore: now,
        notAfter: new Date(now.getTime() + 10 * MINUTE),
        issuer: root.subject,
        publicKey,
        signingKey: caPrivate,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
        extensions,
      };
      const precertificate = await x509.X509CertificateGenerator.create(request, crypto);
      const sct = await ctLog.log(precertificate.rawData, issuerId as ArrayBuffer);
      extensions.push(sctListExtension(sct));
      const certificate = await x509.X509CertificateGenerator.create(request, crypto);
      return new Uint8Array(certificate.rawData);
    },
  };
}
