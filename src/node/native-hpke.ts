// HPKE base mode (RFC 9180) on node:crypto for the box's two suites, the
// same computation @hpke performs (src/box/hpke.ts), for speed on Node:
// - X-Wing (draft-connolly-cfrg-xwing-kem): ML-KEM-768 (node:crypto, OpenSSL
//   3.5) + X25519, combined by SHA3-256;
// - DHKEM(X25519, HKDF-SHA256);
// then HKDF-SHA256 and AES-256-GCM. A box's key pair holds node:crypto key
// objects and opens through the `opener` the portable core calls; the
// constant parts of the key schedule (everything the info fixes) are computed
// once per info, not per submission. Where node:crypto lacks ML-KEM the box
// falls back to @hpke. Tests prove both implementations equal
// (test/box/native-hpke.test.ts): the X-Wing vectors, RFC 9180's X25519
// vectors, and ciphertexts sealed by one and opened by the other.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  decapsulate,
  diffieHellman,
  encapsulate,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import {
  generateBoxKeyPair,
  SUITES,
  type BoxKeyPair,
  type PlatformKeyPair,
  type SuiteIds,
  type SuiteName,
} from '../box/hpke.ts';

const te = new TextEncoder();
const HPKE_V1 = te.encode('HPKE-v1');
const XWING_LABEL = Buffer.from([0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c]); // "\./" "/^\"
const ML_KEM_CT = 1088;
const X25519_LEN = 32;
const XWING_ENC = ML_KEM_CT + X25519_LEN;
const TAG = 16;
const NK = 32; // AES-256-GCM
const NN = 12;

const i2osp2 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const cat = (...parts: Uint8Array[]) => Buffer.concat(parts);

/** The labels of RFC 9180 section 4, for one suite id ("KEM..." or "HPKE..."). */
function labels(suiteId: Uint8Array) {
  return {
    ikm: (label: string, ikm: Uint8Array) => cat(HPKE_V1, suiteId, te.encode(label), ikm),
    info: (label: string, info: Uint8Array, length: number) =>
      cat(i2osp2(length), HPKE_V1, suiteId, te.encode(label), info),
  };
}

/** HKDF-Extract(salt, ikm) then one Expand, in one native call. */
const extractExpand = (salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, length: number) =>
  Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

/** HKDF-Extract alone: HMAC-SHA256 keyed by the salt (an empty salt is HashLen zeros). */
const extract = (salt: Uint8Array, ikm: Uint8Array) =>
  createHmac('sha256', salt.length ? salt : Buffer.alloc(32))
    .update(ikm)
    .digest();

const x25519Public = (raw: Uint8Array) =>
  createPublicKey({ key: Buffer.from(raw), format: 'raw-public', asymmetricKeyType: 'x25519' });
const x25519Private = (raw: Uint8Array) =>
  createPrivateKey({ key: Buffer.from(raw), format: 'raw-private', asymmetricKeyType: 'x25519' });
const rawPublic = (key: KeyObject) => key.export({ format: 'raw-public' });

/** X25519, refusing the all-zero output of a small-order point (RFC 9180, 7.1.4). */
function x25519(privateKey: KeyObject, publicRaw: Uint8Array): Buffer {
  const dh = diffieHellman({ privateKey, publicKey: x25519Public(publicRaw) });
  if (dh.every((b) => b === 0)) throw new Error('X25519 produced the all-zero value');
  return dh;
}

/** A recipient's KEM: its public key, and the shared secret of an enc. */
export interface Kem {
  publicKey: Buffer;
  decap(enc: Uint8Array): Buffer;
}

// X-Wing: the decapsulation key's 32-byte seed expands by SHAKE256 into
// ML-KEM-768's (d, z) seed and X25519's private key.
function xwingKem(seed: Uint8Array): Kem {
  if (seed.length !== 32) throw new Error('an X-Wing seed is 32 bytes');
  const expanded = createHash('shake256', { outputLength: 96 }).update(seed).digest();
  const skM = createPrivateKey({
    key: expanded.subarray(0, 64),
    format: 'raw-seed',
    asymmetricKeyType: 'ml-kem-768',
  });
  const skX = x25519Private(expanded.subarray(64, 96));
  expanded.fill(0);
  const pkX = rawPublic(createPublicKey(skX));
  return {
    publicKey: cat(rawPublic(createPublicKey(skM)), pkX),
    decap(enc) {
      if (enc.length !== XWING_ENC) throw new Error('an X-Wing enc is 1120 bytes');
      const ctX = enc.subarray(ML_KEM_CT);
      const ssM = decapsulate(skM, enc.subarray(0, ML_KEM_CT));
      return xwingCombiner(ssM, x25519(skX, ctX), ctX, pkX);
    },
  };
}

const xwingCombiner = (ssM: Uint8Array, ssX: Uint8Array, ctX: Uint8Array, pkX: Uint8Array) =>
  createHash('sha3-256')
    .update(cat(ssM, ssX, ctX, pkX, XWING_LABEL))
    .digest();

const X25519_KEM = labels(cat(te.encode('KEM'), i2osp2(SUITES.x25519.kem)));

// DHKEM(X25519, HKDF-SHA256): ExtractAndExpand over the DH output and enc || pkR.
function dhkemSharedSecret(dh: Uint8Array, enc: Uint8Array, pkR: Uint8Array): Buffer {
  return extractExpand(
    Buffer.alloc(0),
    X25519_KEM.ikm('eae_prk', dh),
    X25519_KEM.info('shared_secret', cat(enc, pkR), 32),
    32,
  );
}

function x25519Kem(privateKey: Uint8Array): Kem {
  const sk = x25519Private(privateKey);
  const publicKey = rawPublic(createPublicKey(sk));
  return {
    publicKey,
    decap(enc) {
      if (enc.length !== X25519_LEN) throw new Error('an X25519 enc is 32 bytes');
      return dhkemSharedSecret(x25519(sk, enc), enc, publicKey);
    },
  };
}

/** RFC 9180's DeriveKeyPair for X25519: the private key from input keying material. */
function x25519DerivedPrivateKey(ikm: Uint8Array): Buffer {
  const dkpPrk = extract(Buffer.alloc(0), X25519_KEM.ikm('dkp_prk', ikm));
  return Buffer.from(hkdfExpand(dkpPrk, X25519_KEM.info('sk', new Uint8Array(0), 32), 32));
}

/** HKDF-Expand for at most one block (L <= 32): HMAC(prk, info || 0x01). */
const hkdfExpand = (prk: Uint8Array, info: Uint8Array, length: number) =>
  createHmac('sha256', prk)
    .update(cat(info, Buffer.from([1])))
    .digest()
    .subarray(0, length);

/**
 * The key schedule's constant part for one suite and info (mode base, no
 * PSK): the labelled inputs from which each context's key and base nonce
 * follow from its shared secret alone.
 */
export interface KeySchedule {
  /** The key and base nonce (sequence 0) for a shared secret. */
  first(sharedSecret: Uint8Array): { key: Buffer; nonce: Buffer };
}

export function keySchedule(ids: SuiteIds, nk: number, info: Uint8Array): KeySchedule {
  const hpke = labels(cat(te.encode('HPKE'), i2osp2(ids.kem), i2osp2(ids.kdf), i2osp2(ids.aead)));
  const empty = new Uint8Array(0);
  const context = cat(
    Buffer.from([0]),
    extract(empty, hpke.ikm('psk_id_hash', empty)),
    extract(empty, hpke.ikm('info_hash', info)),
  );
  const secretIkm = hpke.ikm('secret', empty);
  const keyInfo = hpke.info('key', context, nk);
  const nonceInfo = hpke.info('base_nonce', context, NN);
  return {
    first: (sharedSecret) => ({
      key: extractExpand(sharedSecret, secretIkm, keyInfo, nk),
      nonce: extractExpand(sharedSecret, secretIkm, nonceInfo, NN),
    }),
  };
}

function aeadOpen(key: Buffer, nonce: Buffer, ct: Uint8Array, aad: Uint8Array): Uint8Array {
  if (ct.length < TAG) throw new Error('the ciphertext is shorter than its tag');
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(aad);
  d.setAuthTag(ct.subarray(ct.length - TAG));
  const out = Buffer.concat([d.update(ct.subarray(0, ct.length - TAG)), d.final()]);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** A box key pair whose private half is node:crypto key objects (no copy kept elsewhere). */
function platformKeyPair(suite: SuiteName, kem: Kem): PlatformKeyPair {
  const schedules = new Map<string, KeySchedule>();
  const scheduleOf = (info: Uint8Array) => {
    const k = Buffer.from(info).toString('latin1');
    let s = schedules.get(k);
    if (!s) schedules.set(k, (s = keySchedule(SUITES[suite], NK, info)));
    return s;
  };
  return {
    suite,
    publicKey: new Uint8Array(kem.publicKey),
    opener: {
      async open(enc, ct, info, aad) {
        const { key, nonce } = scheduleOf(info).first(kem.decap(enc));
        return aeadOpen(key, nonce, ct, aad);
      },
    },
  };
}

/**
 * The recipient KEM from a 32-byte seed, as @hpke's boxKeyPairFromSeed takes
 * it (X-Wing: the decapsulation key seed; X25519: DeriveKeyPair's ikm): for
 * test vectors and the equality proof.
 */
export function nativeKemFromSeed(suite: SuiteName, seed: Uint8Array): Kem {
  return suite === 'x-wing' ? xwingKem(seed) : x25519Kem(x25519DerivedPrivateKey(seed));
}

/** A box key pair from a 32-byte seed (see nativeKemFromSeed): never for a box. */
export function nativeBoxKeyPairFromSeed(suite: SuiteName, seed: Uint8Array): PlatformKeyPair {
  return platformKeyPair(suite, nativeKemFromSeed(suite, seed));
}

/** A fresh box key pair that node:crypto opens with. */
export function nativeBoxKeyPair(suite: SuiteName): PlatformKeyPair {
  const seed = randomBytes(32);
  try {
    return platformKeyPair(suite, suite === 'x-wing' ? xwingKem(seed) : x25519Kem(seed));
  } finally {
    seed.fill(0);
  }
}

/**
 * The box's key on Node: node:crypto's, or @hpke's where this Node's
 * node:crypto has no ML-KEM-768 (an OpenSSL before 3.5).
 */
export async function boxKeyPairOnNode(suite: SuiteName): Promise<BoxKeyPair> {
  try {
    return nativeBoxKeyPair(suite);
  } catch {
    return generateBoxKeyPair(suite);
  }
}

/**
 * HPKE base-mode seal to a public key on node:crypto (its encapsulation draws
 * its own randomness): what participants' ciphertexts look like, for tests
 * and benchmarks.
 */
export function nativeSeal(
  suite: SuiteName,
  recipientPublicKey: Uint8Array,
  plaintext: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
): { enc: Uint8Array; ct: Uint8Array } {
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralPublic = rawPublic(ephemeral.publicKey);
  let enc: Buffer;
  let sharedSecret: Buffer;
  if (suite === 'x-wing') {
    if (recipientPublicKey.length !== 1184 + X25519_LEN)
      throw new Error('an X-Wing public key is 1216 bytes');
    const pkX = recipientPublicKey.subarray(1184);
    const pkM = createPublicKey({
      key: Buffer.from(recipientPublicKey.subarray(0, 1184)),
      format: 'raw-public',
      asymmetricKeyType: 'ml-kem-768',
    });
    const { sharedKey, ciphertext } = encapsulate(pkM);
    enc = cat(ciphertext, ephemeralPublic);
    sharedSecret = xwingCombiner(
      sharedKey,
      x25519(ephemeral.privateKey, pkX),
      ephemeralPublic,
      pkX,
    );
  } else {
    enc = ephemeralPublic;
    sharedSecret = dhkemSharedSecret(
      x25519(ephemeral.privateKey, recipientPublicKey),
      enc,
      recipientPublicKey,
    );
  }
  const { key, nonce } = keySchedule(SUITES[suite], NK, info).first(sharedSecret);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return { enc: new Uint8Array(enc), ct: new Uint8Array(ct) };
}
