// The part of node:crypto that @sigstore/core calls, for the browser bundle:
// createPublicKey, createHash, verify and timingSafeEqual, synchronous as
// Node's are, over @noble/curves and @noble/hashes. The web build aliases
// `crypto` to this module, so @sigstore/verify runs there unchanged.
//
// Keys: SPKI (DER or PEM) for ECDSA P-256/P-384/P-521 and Ed25519, which is
// everything Sigstore's public-good and GitHub's roots use. RSA keys parse
// (trusted roots may list RSA logs) but do not verify: verify() says false,
// as Node's does for a signature it cannot check, and the verdict is a fail.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { children, oidToString, readOnly, TAG } from '../policy/der.ts';
import { fromBase64 } from '../bytes.ts';

const HASHES = { sha256, sha384, sha512 } as const;
type HashName = keyof typeof HASHES;

const CURVES = {
  '1.2.840.10045.3.1.7': { curve: p256, name: 'prime256v1' },
  '1.3.132.0.34': { curve: p384, name: 'secp384r1' },
  '1.3.132.0.35': { curve: p521, name: 'secp521r1' },
} as const;
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const ED25519 = '1.3.101.112';
const RSA = '1.2.840.113549.1.1.1';

/** What Node's KeyObject offers that Sigstore's libraries and ours read. */
export class KeyObject {
  readonly type = 'public';
  readonly asymmetricKeyType: 'ec' | 'ed25519' | 'rsa';
  readonly asymmetricKeyDetails: { namedCurve?: string };
  /** The public point (EC, uncompressed) or key (Ed25519); empty for RSA. */
  readonly raw: Uint8Array;
  readonly curve?: (typeof CURVES)[keyof typeof CURVES]['curve'];

  constructor(
    kind: 'ec' | 'ed25519' | 'rsa',
    raw: Uint8Array,
    curve?: (typeof CURVES)[keyof typeof CURVES],
  ) {
    this.asymmetricKeyType = kind;
    this.raw = raw;
    this.curve = curve?.curve;
    this.asymmetricKeyDetails = curve ? { namedCurve: curve.name } : {};
  }
}

function bitString(value: Uint8Array): Uint8Array {
  if (value[0] !== 0) throw new Error('unsupported BIT STRING padding');
  return value.subarray(1);
}

function fromSpki(der: Uint8Array): KeyObject {
  const spki = readOnly(der);
  if (spki.tag !== TAG.SEQUENCE) throw new Error('not a SubjectPublicKeyInfo');
  const [algorithm, key] = children(spki.value);
  if (!algorithm || !key || key.tag !== 0x03) throw new Error('not a SubjectPublicKeyInfo');
  const [oid, params] = children(algorithm.value);
  if (!oid || oid.tag !== TAG.OID) throw new Error('no algorithm identifier');
  const alg = oidToString(oid.value);
  const raw = bitString(key.value);
  if (alg === EC_PUBLIC_KEY) {
    const named = params?.tag === TAG.OID ? oidToString(params.value) : '';
    const curve = CURVES[named as keyof typeof CURVES];
    if (!curve) throw new Error(`unsupported EC curve ${named || '(none)'}`);
    curve.curve.Point.fromBytes(raw); // throws when not a point on the curve
    return new KeyObject('ec', raw, curve);
  }
  if (alg === ED25519) {
    if (raw.length !== 32) throw new Error('an Ed25519 key is 32 bytes');
    return new KeyObject('ed25519', raw);
  }
  if (alg === RSA) return new KeyObject('rsa', new Uint8Array(0));
  throw new Error(`unsupported key algorithm ${alg}`);
}

function fromPkcs1(der: Uint8Array): KeyObject {
  const key = readOnly(der);
  const [n, e] = key.tag === TAG.SEQUENCE ? children(key.value) : [];
  if (n?.tag !== TAG.INTEGER || e?.tag !== TAG.INTEGER) throw new Error('not an RSA public key');
  return new KeyObject('rsa', new Uint8Array(0));
}

function pemBody(pem: string): Uint8Array {
  const m = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem);
  if (!m) throw new Error('not a PEM public key');
  return fromBase64(m[1]!);
}

type KeyInput =
  string | KeyObject | Uint8Array | { key: Uint8Array | string; format?: string; type?: string };

export function createPublicKey(input: KeyInput): KeyObject {
  if (input instanceof KeyObject) return input;
  if (typeof input === 'string') return fromSpki(pemBody(input));
  if (input instanceof Uint8Array) return fromSpki(input);
  const { key, format = 'pem', type = 'spki' } = input;
  if (typeof key === 'string' || format === 'pem')
    return fromSpki(pemBody(typeof key === 'string' ? key : new TextDecoder().decode(key)));
  return type === 'pkcs1' ? fromPkcs1(key) : fromSpki(key);
}

function hashName(algorithm: string): HashName {
  const name = algorithm.toLowerCase().replace(/^rsa-/, '').replace('-', '');
  if (!(name in HASHES)) throw new Error(`unsupported digest ${algorithm}`);
  return name as HashName;
}

class Hash {
  private readonly state;
  constructor(algorithm: string) {
    this.state = HASHES[hashName(algorithm)].create();
  }
  update(data: Uint8Array | string): this {
    this.state.update(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    return this;
  }
  digest(): Buffer {
    return Buffer.from(this.state.digest());
  }
}

export function createHash(algorithm: string): Hash {
  return new Hash(algorithm);
}

/**
 * Node's crypto.verify: ECDSA (DER signature, any S, as OpenSSL) over the
 * message hashed with `algorithm` (SHA-256 when none is named, OpenSSL's
 * default for EC keys), or Ed25519 over the message itself.
 */
export function verify(
  algorithm: string | null | undefined,
  data: Uint8Array,
  key: KeyInput,
  signature: Uint8Array,
): boolean {
  const k = createPublicKey(key);
  if (k.asymmetricKeyType === 'ed25519') return ed25519.verify(signature, data, k.raw);
  if (k.asymmetricKeyType === 'rsa')
    throw new Error('RSA signatures are not checked in the browser');
  const digest = HASHES[hashName(algorithm ?? 'sha256')](data);
  return k.curve!.verify(signature, digest, k.raw, { prehash: false, lowS: false, format: 'der' });
}

export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) throw new RangeError('Input buffers must have the same byte length');
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export default { createPublicKey, createHash, verify, timingSafeEqual, KeyObject };
