// The SignatureVerifier: @sigstore/verify, unchanged, over trust material
// built from a validated trusted root. On Node it uses node:crypto; the web
// build maps node:crypto (and util, and the Buffer global) to src/browser, so
// the browser runs this same module.
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import {
  toSignedEntity,
  toTrustMaterial,
  Verifier,
  type SignedEntity,
  type TrustMaterial,
} from '@sigstore/verify';
import { SealboxError, describe } from '../errors.ts';
import type {
  Artifact,
  SignatureVerifier,
  TrustOptions,
  VerifiedTimes,
} from '../sigstore/verify-bundle.ts';
import { digestAlgorithmName } from '../sigstore/bundle.ts';
import type { LoadedTrustedRoot } from '../sigstore/trusted-root.ts';

class Failure extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

// Trust material is built once per root and key (key parsing is not free),
// its anchors' encodings with it.
const materialCache = new WeakMap<LoadedTrustedRoot, Map<string, TrustMaterial>>();

/** The trust material of a root (and a named key), built once. */
export function trustMaterial(
  root: LoadedTrustedRoot,
  publicKey: string | undefined,
): TrustMaterial {
  let byKey = materialCache.get(root);
  if (!byKey) materialCache.set(root, (byKey = new Map()));
  const cacheKey = publicKey ?? '';
  let material = byKey.get(cacheKey);
  if (material) return material;
  let key: KeyObject | undefined;
  if (publicKey !== undefined) {
    try {
      key = createPublicKey(publicKey);
    } catch (e) {
      throw new SealboxError('KEY_INVALID', `--key is not a PEM public key: ${describe(e)}`);
    }
  }
  try {
    // With a named key, that key verifies whatever hint the bundle carries: the
    // user's choice of key is the trust decision, not the bundle's hint.
    material = toTrustMaterial(
      root.root,
      key ? () => ({ publicKey: key, validFor: () => true }) : undefined,
    );
  } catch (e) {
    throw new SealboxError('TRUSTED_ROOT_INVALID', `trusted root ${root.source}: ${describe(e)}`);
  }
  encodeAnchorsOnce(material);
  byKey.set(cacheKey, material);
  return material;
}

/**
 * A tree encoded once holds each node's encoding, so about its size times its
 * depth (the parser allows 100 levels): a certificate, anchor or signing
 * certificate, is encoded once only up to this size (Fulcio's are 1 to 3
 * KiB). A larger one is encoded on each use, as @sigstore/verify does, so
 * that no input makes sealbox hold a hundred copies of a certificate of
 * megabytes.
 */
export const ENCODE_ONCE_MAX = 16 * 1024;

/** An ASN.1 node of @sigstore/core (ASN1Obj), as far as encoding goes. */
export interface Asn1Node {
  subs: Asn1Node[];
  toDER(): Buffer;
}

/**
 * @sigstore/core encodes an ASN.1 node again each time its DER is asked for:
 * per bundle, comparing certificates, building and checking the chain and
 * checking SCTs encoded the trust anchors and the signing certificate several
 * times over, about half of a verification. A parsed certificate's tree is
 * never changed (SCT checks change a copy parsed afresh), so each node's
 * encoding is computed once, bottom-up, and every later call returns a fresh
 * copy of it (as a fresh encoding is a fresh buffer: a caller writing into it
 * changes nothing). The nodes are then frozen: should a later version change a
 * tree after all, that is an error, never a stale encoding. What
 * @sigstore/verify checks is unchanged.
 */
function encodeAnchorsOnce(material: TrustMaterial): void {
  for (const authority of [...material.certificateAuthorities, ...material.timestampAuthorities])
    for (const cert of authority.certChain) {
      // A trusted root names its anchors, but any DER passes as one: the same size bound.
      const root = cert.root as unknown as Asn1Node;
      if (root.toDER().length <= ENCODE_ONCE_MAX) encodeOnce(root);
    }
}

/** Encodes a tree's nodes once (see encodeAnchorsOnce); exported for its tests. */
export function encodeOnce(node: Asn1Node): void {
  for (const sub of node.subs) encodeOnce(sub);
  const der = Buffer.from(node.toDER());
  node.toDER = () => Buffer.from(der);
  Object.freeze(node.subs);
  Object.freeze(node);
}

/** The size of a bundle's signing certificate as it came (its DER: the parser takes DER only). */
function signingCertificateSize(bundle: Bundle): number {
  const m = bundle.verificationMaterial.content;
  if (m.$case === 'certificate') return m.certificate.rawBytes.length;
  if (m.$case === 'x509CertificateChain')
    return m.x509CertificateChain.certificates[0]?.rawBytes.length ?? Infinity;
  return Infinity;
}

/** The signing key's type: from the certificate, or the key the user named. */
function signingKeyType(entity: SignedEntity, material: TrustMaterial): string | undefined {
  try {
    if (entity.key.$case === 'certificate') {
      const spki = entity.key.certificate.publicKey;
      return createPublicKey({ key: spki, format: 'der', type: 'spki' }).asymmetricKeyType;
    }
    return material.publicKey(entity.key.hint).publicKey.asymmetricKeyType;
  } catch {
    return undefined;
  }
}

/** Artifacts up to this size are read whole for a message signature; larger ones never are. */
export const READ_WHOLE_LIMIT = 64 * 1024 * 1024;

/**
 * For a message signature over a large artifact, check the signature against
 * the artifact's digest (hashed streaming by the caller), so that it is never
 * read whole. ECDSA signs a digest, so verifying the digest is the same check;
 * other key types (Ed25519 signs the message itself) need the bytes. Small
 * artifacts take @sigstore/verify's own path.
 */
async function bindArtifact(
  entity: SignedEntity,
  bundle: Bundle,
  artifact: Artifact | undefined,
  material: TrustMaterial,
): Promise<void> {
  if (bundle.content.$case !== 'messageSignature') return;
  const content = entity.signature;
  const { messageDigest, signature } = bundle.content.messageSignature;
  const alg = messageDigest ? digestAlgorithmName(messageDigest.algorithm) : 'sha256';
  const digestHex = alg ? artifact?.digests[alg] : undefined;
  const large = artifact?.size !== undefined && artifact.size > READ_WHOLE_LIMIT;
  const prehashed = large && signingKeyType(entity, material) === 'ec' && digestHex !== undefined;
  const verifyEcdsaDigest = prehashed
    ? (await import('../node/ecdsa-digest.ts')).verifyEcdsaDigest
    : undefined;
  const bytes = !prehashed && artifact?.read ? await artifact.read() : undefined;
  entity.signature = {
    signature: content.signature,
    compareSignature: (s) => content.compareSignature(s),
    compareDigest: (d) => content.compareDigest(d),
    compareSignedDigest: (d) => content.compareSignedDigest(d),
    verifySignature: (key) => {
      if (verifyEcdsaDigest)
        return verifyEcdsaDigest(key, Buffer.from(digestHex!, 'hex'), signature);
      if (!bytes) {
        throw new Failure(
          'SIGNATURE_ERROR',
          `an ${key.asymmetricKeyType === 'ec' ? 'EC' : key.asymmetricKeyType} signature can only be checked against the artifact itself, not its digest`,
        );
      }
      return cryptoVerify(alg ?? 'sha256', bytes, key, signature);
    },
  };
}

export class SigstoreSignatureVerifier implements SignatureVerifier {
  async verify(
    bundle: Bundle,
    artifact: Artifact | undefined,
    trust: TrustOptions,
  ): Promise<VerifiedTimes> {
    const material = trustMaterial(trust.trustedRoot, trust.publicKey);
    let entity: SignedEntity;
    try {
      entity = toSignedEntity(bundle, Buffer.alloc(0));
    } catch (e) {
      throw new Failure('BUNDLE_ERROR', describe(e));
    }
    // The signing certificate, parsed from the bundle just now, encoded once (encodeOnce),
    // if it is of a certificate's size. Should its encoding fail, it is left as it is:
    // @sigstore/verify meets that failure itself.
    if (entity.key.$case === 'certificate' && signingCertificateSize(bundle) <= ENCODE_ONCE_MAX) {
      try {
        encodeOnce(entity.key.certificate.root as unknown as Asn1Node);
      } catch {
        // see above
      }
    }
    await bindArtifact(entity, bundle, artifact, material);
    const verifier = new Verifier(material, {
      tlogThreshold: trust.requireTlog ? 1 : 0,
      ctlogThreshold: trust.requireSct === false ? 0 : 1,
      timestampThreshold: trust.requireTlog || trust.requireSignedTimestamp ? 1 : 0,
    });
    try {
      verifier.verify(entity);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      throw new Failure(typeof code === 'string' ? code : 'SIGNATURE_ERROR', describe(e));
    }
    return { signedTimes: signedTimes(entity) };
  }
}

/**
 * The times the verification just proved: each RFC 3161 timestamp's genTime,
 * and each log entry's integrated time under an inclusion promise (Rekor v2
 * entries carry none: their time is the timestamp authority's).
 */
function signedTimes(entity: SignedEntity): string[] {
  const times: string[] = [];
  for (const t of entity.timestamps) {
    if (t.$case === 'timestamp-authority') times.push(t.timestamp.signingTime.toISOString());
    else if (t.tlogEntry.inclusionPromise) {
      const seconds = Number(t.tlogEntry.integratedTime);
      if (Number.isSafeInteger(seconds) && seconds > 0)
        times.push(new Date(seconds * 1000).toISOString());
    }
  }
  return times;
}
