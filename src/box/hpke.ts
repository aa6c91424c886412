// HPKE (RFC 9180), base mode, through the @hpke packages: no hand-written HPKE.
// Portable (WebCrypto and pure-JS libraries). A platform may hold a box's key
// itself and open with its own primitives (Node: src/node/native-hpke.ts, on
// node:crypto): the same computation, proven equal by tests, injected through
// the key pair's `opener`.
//
// Suites (ids as the manifest names them):
// - `x-wing`  (default): KEM X-Wing (0x647A, ML-KEM-768 + X25519),
//   HKDF-SHA256 (0x0001), AES-256-GCM (0x0002). Ciphertexts sit in public
//   comments forever: a post-quantum hybrid answers "harvest now, decrypt
//   later".
// - `x25519`: DHKEM(X25519, HKDF-SHA256) (0x0020), HKDF-SHA256, AES-256-GCM.
// AES-256-GCM in both: 256-bit keys keep a margin against Grover next to a
// post-quantum KEM, and WebCrypto runs it natively in Node and browsers.
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { XWing } from '@hpke/hybridkem-x-wing';
import { SealboxError } from '../errors.ts';

export type SuiteName = 'x-wing' | 'x25519';

export interface SuiteIds {
  kem: number;
  kdf: number;
  aead: number;
}

export const SUITES: Record<SuiteName, SuiteIds> = {
  'x-wing': { kem: 0x647a, kdf: 0x0001, aead: 0x0002 },
  x25519: { kem: 0x0020, kdf: 0x0001, aead: 0x0002 },
};

const suites = new Map<SuiteName, CipherSuite>();

export function cipherSuite(name: SuiteName): CipherSuite {
  let suite = suites.get(name);
  if (!suite) {
    const kem =
      name === 'x-wing' ? new XWing() : name === 'x25519' ? new DhkemX25519HkdfSha256() : undefined;
    if (!kem)
      throw new SealboxError(
        'UNSUPPORTED',
        `HPKE suite ${JSON.stringify(name)} is not one sealbox knows (x-wing, x25519)`,
      );
    suite = new CipherSuite({ kem, kdf: new HkdfSha256(), aead: new Aes256Gcm() });
    suites.set(name, suite);
  }
  return suite;
}

export function suiteByIds(ids: SuiteIds): SuiteName {
  for (const [name, s] of Object.entries(SUITES) as [SuiteName, SuiteIds][]) {
    if (s.kem === ids.kem && s.kdf === ids.kdf && s.aead === ids.aead) return name;
  }
  throw new SealboxError(
    'UNSUPPORTED',
    `HPKE suite kem=${ids.kem} kdf=${ids.kdf} aead=${ids.aead} is not one sealbox knows`,
  );
}

/** Opens what was sealed to one key pair; rejects when it does not open. */
export interface BoxOpener {
  open(enc: Uint8Array, ct: Uint8Array, info: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
}

/**
 * A box's key pair. The private half stays in memory as a key object (the
 * @hpke key pair, or a platform's opener holding its own keys); sealbox never
 * serializes it.
 */
export type BoxKeyPair = PortableKeyPair | PlatformKeyPair;

/** A key pair @hpke opens with. */
export interface PortableKeyPair {
  suite: SuiteName;
  keyPair: CryptoKeyPair;
  publicKey: Uint8Array;
}

/** A key pair a platform's opener holds (Node: node:crypto key objects). */
export interface PlatformKeyPair {
  suite: SuiteName;
  opener: BoxOpener;
  publicKey: Uint8Array;
}

export async function generateBoxKeyPair(suite: SuiteName): Promise<PortableKeyPair> {
  const s = cipherSuite(suite);
  const keyPair = await s.kem.generateKeyPair();
  const publicKey = new Uint8Array(await s.kem.serializePublicKey(keyPair.publicKey));
  return { suite, keyPair, publicKey };
}

/**
 * A key pair from a 32-byte seed (X-Wing: the seed is its private key;
 * X25519: RFC 9180 DeriveKeyPair): a reply key's, kept as its seed, or a test
 * vector's. A box's own key is generated and never has a seed.
 */
export async function boxKeyPairFromSeed(
  suite: SuiteName,
  given: Uint8Array,
): Promise<PortableKeyPair> {
  const s = cipherSuite(suite);
  // A copy: a Node Buffer is often a view into a larger pool, and the KEM reads the whole backing buffer.
  const seed = Uint8Array.from(given);
  const keyPair =
    suite === 'x-wing'
      ? await (s.kem as XWing).generateKeyPairDerand(seed)
      : await s.kem.deriveKeyPair(seed);
  return {
    suite,
    keyPair,
    publicKey: new Uint8Array(await s.kem.serializePublicKey(keyPair.publicKey)),
  };
}

export async function seal(
  suite: SuiteName,
  recipientPublicKey: Uint8Array,
  plaintext: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
): Promise<{ enc: Uint8Array; ct: Uint8Array }> {
  const s = cipherSuite(suite);
  const recipientKey = await s.kem.deserializePublicKey(recipientPublicKey);
  const { enc, ct } = await s.seal({ recipientPublicKey: recipientKey, info }, plaintext, aad);
  return { enc: new Uint8Array(enc), ct: new Uint8Array(ct) };
}

/** Opens a ciphertext; rejects (never with key material in the message) when it does not open. */
export async function open(
  box: BoxKeyPair,
  enc: Uint8Array,
  ct: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  if ('opener' in box) return box.opener.open(enc, ct, info, aad);
  const s = cipherSuite(box.suite);
  return new Uint8Array(await s.open({ recipientKey: box.keyPair, enc, info }, ct, aad));
}
