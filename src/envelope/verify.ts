// Envelope verification: recompute the content hash, check the signature,
// then the trust decision, which is never skipped. Portable: the Sigstore
// verifier is injected, and so are SHA-256 and Ed25519 (WebCrypto's unless a
// platform gives its own: Node's are synchronous, src/node/envelope-crypto.ts).
import { SealboxError, describe } from '../errors.ts';
import { pemToDer } from '../policy/claims.ts';
import { failed, passed, type Check } from '../check.ts';
import type { IdentityPolicy } from '../policy/identity.ts';
import { parseBundle, type ParsedBundle } from '../sigstore/bundle.ts';
import type { LoadedTrustedRoot } from '../sigstore/trusted-root.ts';
import {
  verifyBundles,
  type Artifact,
  type Policy,
  type SignatureVerifier,
} from '../sigstore/verify-bundle.ts';
import {
  ENVELOPE_PREDICATE_TYPE,
  contentHash,
  displayFields,
  sha256Hex,
  type ParsedEnvelope,
} from './envelope.ts';
import type { LosslessValue } from './python-json.ts';
import { releaseCheck } from '../box/checks/release.ts';
import type { ReleaseSource } from '../box/releases.ts';
import { EnvelopeRefusal } from './refusal.ts';

export interface EnvelopeTrust {
  /** PEM public keys trusted for InferenceBench `dev-key` envelopes. */
  devKeys: { label: string; pem: string }[];
  /** A PEM public key for sealbox envelopes whose bundle is key-signed. */
  key?: string;
  /** Who must have signed keyless envelopes. */
  identity?: IdentityPolicy;
  trustedRoots: LoadedTrustedRoot[];
  verifier: SignatureVerifier;
  requireTlog?: boolean;
  /**
   * The signer must be sealbox's box workflow at a release (the `sealbox-box`
   * trust policy): the `release` check, over these lists.
   */
  boxReleases?: readonly ReleaseSource[];
  /** SHA-256 and Ed25519; WebCrypto's when absent. */
  crypto?: EnvelopeCrypto;
}

/** The primitives an envelope's checks use, each call either synchronous or not. */
export interface EnvelopeCrypto {
  sha256Hex(bytes: Uint8Array): string | Promise<string>;
  /** An Ed25519 public key from its SPKI DER; throws when it is not one. */
  ed25519Key(spki: Uint8Array): unknown;
  ed25519Verify(
    key: unknown,
    signature: Uint8Array,
    message: Uint8Array,
  ): boolean | Promise<boolean>;
}

/** WebCrypto's SHA-256 and Ed25519: what a browser has. */
export const webCryptoPrimitives: EnvelopeCrypto = {
  sha256Hex,
  ed25519Key: (spki) =>
    crypto.subtle.importKey('spki', spki as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, [
      'verify',
    ]),
  ed25519Verify: (key, signature, message) =>
    crypto.subtle.verify(
      { name: 'Ed25519' },
      key as CryptoKey,
      signature as Uint8Array<ArrayBuffer>,
      message as Uint8Array<ArrayBuffer>,
    ),
};

export interface EnvelopeVerification {
  ok: boolean;
  label: string;
  format: ParsedEnvelope['format'];
  method: string;
  content_hash: string;
  suite: string;
  model: string;
  engine: string;
  rekor_log_index: string;
  signer_identity: string;
  signer_issuer: string;
  checks: Check[];
}

/** True when some trust decision was given; verification refuses to start without one. */
export function hasTrustDecision(t: Pick<EnvelopeTrust, 'devKeys' | 'key' | 'identity'>): boolean {
  return t.devKeys.length > 0 || t.key !== undefined || t.identity !== undefined;
}

const text = (v: LosslessValue | undefined) => (typeof v === 'string' ? v : undefined);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Bytes(value: string, what: string, label: string): Uint8Array {
  const clean = value.replace(/\s+/g, '');
  if (!BASE64.test(clean) || clean.length % 4 !== 0)
    throw new SealboxError('INPUT_INVALID', `${label}: ${what} is not valid base64`);
  return Uint8Array.from(atob(clean), (c) => c.charCodeAt(0));
}

function pemSpki(pem: string, what: string): Uint8Array {
  try {
    return pemToDer(pem);
  } catch {
    throw new SealboxError('KEY_INVALID', `${what} is not a PEM public key`);
  }
}

async function ed25519Key(
  primitives: EnvelopeCrypto,
  spki: Uint8Array,
  what: string,
): Promise<{ key: unknown; spki: Uint8Array }> {
  try {
    return { key: await primitives.ed25519Key(spki), spki };
  } catch {
    throw new SealboxError('KEY_INVALID', `${what} is not an Ed25519 public key`);
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function result(
  env: ParsedEnvelope,
  method: string,
  hash: string,
  checks: Check[],
  extra: Partial<EnvelopeVerification> = {},
): EnvelopeVerification {
  return {
    ok: checks.length > 0 && checks.every((c) => c.ok),
    label: env.label,
    format: env.format,
    method,
    content_hash: hash,
    ...displayFields(env.body),
    rekor_log_index: '-',
    signer_identity: '-',
    signer_issuer: '-',
    checks,
    ...extra,
  };
}

// Anchors are imported once per trust decision, not once per envelope.
const anchorCache = new WeakMap<
  EnvelopeTrust,
  Promise<{ key: unknown; spki: Uint8Array; label: string }[]>
>();
function anchorKeys(trust: EnvelopeTrust) {
  let keys = anchorCache.get(trust);
  if (!keys) {
    const primitives = trust.crypto ?? webCryptoPrimitives;
    keys = Promise.all(
      trust.devKeys.map(async (a) => {
        const what = `trust anchor ${a.label}`;
        return { ...(await ed25519Key(primitives, pemSpki(a.pem, what), what)), label: a.label };
      }),
    );
    anchorCache.set(trust, keys);
  }
  return keys;
}

async function verifyDevKey(
  env: ParsedEnvelope,
  sig: Record<string, LosslessValue>,
  hash: string,
  trust: EnvelopeTrust,
) {
  const certificate = text(sig.certificate);
  const signatureB64 = text(sig.bundle);
  if (!certificate || !signatureB64)
    throw new SealboxError(
      'INPUT_INVALID',
      `${env.label}: a dev-key signature needs certificate and bundle`,
    );
  const primitives = trust.crypto ?? webCryptoPrimitives;
  const what = `${env.label}: signature.certificate`;
  const embeddedSpki = pemSpki(certificate, what);
  let anchor: { key: unknown; label: string } | undefined;
  for (const a of await anchorKeys(trust)) {
    if (sameBytes(a.spki, embeddedSpki)) anchor = a;
  }
  // The embedded key is an anchor's (already imported, so an Ed25519 key), or imported here.
  const embedded = anchor ?? (await ed25519Key(primitives, embeddedSpki, what));
  const signature = base64Bytes(signatureB64, 'signature.bundle', env.label);
  const checks: Check[] = [];
  if (!trust.devKeys.length)
    checks.push(
      failed(
        'trust',
        'NO_ANCHOR',
        'a dev-key envelope needs a trust anchor (--dev-public-key); the key inside the envelope is never trusted on its own',
      ),
    );
  else if (!anchor)
    checks.push(
      failed(
        'trust',
        'UNTRUSTED_KEY',
        'signed by a key that is not a trust anchor (the key inside the envelope is not trusted on its own)',
      ),
    );
  else checks.push(passed('trust', `the signing key is the trust anchor ${anchor.label}`));
  const message = new TextEncoder().encode(hash);
  const ok = await primitives.ed25519Verify(embedded.key, signature, message);
  checks.unshift(
    ok
      ? passed('signature', `Ed25519 signature over content hash ${hash}`)
      : failed(
          'signature',
          'SIGNATURE_MISMATCH',
          `the signature does not verify for content hash ${hash}: the body changed after signing, or another key signed it`,
        ),
  );
  return result(env, 'dev-key', hash, checks);
}

async function verifySigstore(
  env: ParsedEnvelope,
  method: string,
  parsed: ParsedBundle,
  artifact: Artifact,
  hash: string,
  trust: EnvelopeTrust,
) {
  const keySigned = parsed.bundle.verificationMaterial.content.$case === 'publicKey';
  let policy: Policy | undefined;
  const checks: Check[] = [];
  // A key-signed bundle verifies against --key, or against a dev key given as an anchor.
  const keys = trust.key !== undefined ? [trust.key] : trust.devKeys.map((k) => k.pem);
  if (keySigned) {
    if (keys.length) policy = { kind: 'key' };
    else
      checks.push(
        failed(
          'trust',
          'NO_KEY',
          'the bundle is key-signed: give --key (or --dev-public-key) with the public key to trust',
        ),
      );
  } else if (trust.identity) policy = { kind: 'identity', identity: trust.identity };
  else
    checks.push(
      failed(
        'trust',
        'NO_IDENTITY_POLICY',
        'a keyless envelope needs an identity policy (--require-identity-pattern, --repo, --trust-policy, ...)',
      ),
    );
  let extra: Partial<EnvelopeVerification> = {};
  if (policy) {
    const verify = (publicKey: string | undefined) =>
      verifyBundles([parsed], artifact, policy, {
        trustedRoots: trust.trustedRoots,
        verifier: trust.verifier,
        publicKey,
        requireTlog: trust.requireTlog ?? true,
        predicateType: env.format === 'sealbox' ? ENVELOPE_PREDICATE_TYPE : undefined,
        noun: 'envelope',
      });
    // With several anchors, the one that verifies decides; else the first one's checks are reported.
    let r = await verify(keySigned ? keys[0] : undefined);
    for (const k of keySigned ? keys.slice(1) : []) {
      if (r.ok) break;
      const other = await verify(k);
      if (other.ok) r = other;
    }
    // The content hash first: when the body changed, that is the reason to give,
    // though the signature check then fails too.
    for (const c of r.checks) {
      if (c.name !== 'artifact') checks.push(c);
      else if (c.ok)
        checks.unshift(passed('content_hash', `content hash ${hash} is the signed one`));
      else
        checks.unshift(
          failed(
            'content_hash',
            c.code,
            `the content hash ${hash} no longer matches the signed one: the body changed after signing`,
          ),
        );
    }
    const b = r.bundles[0];
    if (trust.boxReleases && policy.kind === 'identity')
      checks.push(releaseCheck([b], trust.boxReleases, false));
    const entry = b?.tlogEntries[0];
    // Identity and log index come from the verified bundle, never from unsigned envelope fields.
    extra = {
      rekor_log_index: entry?.logIndex ?? '-',
      signer_identity: b?.claims?.subjectAlternativeName ?? '-',
      signer_issuer: b?.claims?.issuer ?? '-',
    };
  }
  return result(env, method, hash, checks, extra);
}

/**
 * Verifies one envelope. Bad input (a malformed signature block) throws; a
 * failed verification resolves with ok: false, and so does a document its
 * format refuses to hash (check `document`, with the refusal's code).
 */
export async function verifyEnvelope(
  env: ParsedEnvelope,
  trust: EnvelopeTrust,
): Promise<EnvelopeVerification> {
  const sig = env.signature;
  let hash: string;
  try {
    hash = await contentHash(env, (trust.crypto ?? webCryptoPrimitives).sha256Hex);
  } catch (e) {
    if (!(e instanceof EnvelopeRefusal)) throw e;
    // A document built so that readers disagree on what was signed: a failed verification.
    const method =
      sig && typeof sig === 'object' && !Array.isArray(sig)
        ? text((sig as Record<string, LosslessValue>).method)
        : undefined;
    return result(env, method ?? '-', '-', [failed('document', e.refusal, e.reason)]);
  }
  if (sig === undefined) throw new SealboxError('INPUT_INVALID', `${env.label}: has no signature`);
  if (sig === null || typeof sig !== 'object' || Array.isArray(sig))
    throw new SealboxError('INPUT_INVALID', `${env.label}: signature is not an object`);
  const block = sig as Record<string, LosslessValue>;
  const method = text(block.method);
  const hexBytes = new TextEncoder().encode(hash);

  if (env.format === 'inferencebench') {
    if (method === 'dev-key') return verifyDevKey(env, block, hash, trust);
    if (method === 'sigstore-cosign') {
      const encoded = text(block.bundle);
      if (!encoded)
        throw new SealboxError('INPUT_INVALID', `${env.label}: signature.bundle is missing`);
      let json: unknown;
      try {
        json = JSON.parse(
          new TextDecoder('utf-8', { fatal: true }).decode(
            base64Bytes(encoded, 'signature.bundle', env.label),
          ),
        );
      } catch (e) {
        if (e instanceof SealboxError) throw e;
        throw new SealboxError(
          'INPUT_INVALID',
          `${env.label}: signature.bundle does not decode to a JSON Sigstore bundle`,
        );
      }
      const parsed = parseBundle(json, `${env.label} signature.bundle`);
      // Upstream signs the UTF-8 bytes of the hex content hash as a message.
      const artifact: Artifact = {
        label: `content hash ${hash}`,
        digests: { sha256: await (trust.crypto ?? webCryptoPrimitives).sha256Hex(hexBytes) },
        read: async () => hexBytes,
      };
      return verifySigstore(env, method, parsed, artifact, hash, trust);
    }
    throw new SealboxError(
      'INPUT_INVALID',
      `${env.label}: unknown signature method ${JSON.stringify(method ?? null)} (InferenceBench v1 has dev-key and sigstore-cosign)`,
    );
  }

  if (method !== 'sigstore') {
    throw new SealboxError(
      'INPUT_INVALID',
      `${env.label}: unknown signature method ${JSON.stringify(method ?? null)} (a sealbox envelope's is sigstore)`,
    );
  }
  const bundleJson = block.bundle;
  if (bundleJson === null || typeof bundleJson !== 'object')
    throw new SealboxError(
      'INPUT_INVALID',
      `${env.label}: signature.bundle is not a Sigstore bundle object`,
    );
  let parsed: ParsedBundle;
  try {
    // Lossless numbers inside the bundle are plain protobuf JSON; read it back as ordinary JSON.
    parsed = parseBundle(
      JSON.parse(
        JSON.stringify(bundleJson, (_k, v) => (v?.isLosslessNumber ? Number(v.value) : v)),
      ),
      `${env.label} signature.bundle`,
    );
  } catch (e) {
    if (e instanceof SealboxError) throw e;
    throw new SealboxError('INPUT_INVALID', `${env.label}: signature.bundle: ${describe(e)}`);
  }
  const artifact: Artifact = { label: `content hash ${hash}`, digests: { sha256: hash } };
  return verifySigstore(env, 'sigstore', parsed, artifact, hash, trust);
}
