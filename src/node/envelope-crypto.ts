// SHA-256 and Ed25519 for envelope checks on Node: node:crypto's synchronous
// calls, where WebCrypto's (the portable default) go through a promise and
// the thread pool for each hash and signature. The same answers: proven by
// test/envelope/envelope-crypto.test.ts.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { EnvelopeCrypto } from '../envelope/verify.ts';

export const nodeEnvelopeCrypto: EnvelopeCrypto = {
  sha256Hex: (bytes) => createHash('sha256').update(bytes).digest('hex'),
  ed25519Key(spki) {
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 public key');
    return key;
  },
  ed25519Verify(key, signature, message) {
    // WebCrypto answers false for a signature of the wrong length; so does this.
    if (signature.length !== 64) return false;
    try {
      return verify(null, message, key as KeyObject, signature);
    } catch {
      return false;
    }
  },
};
