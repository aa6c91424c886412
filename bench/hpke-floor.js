// The floor for opening a submission: HPKE base mode, DHKEM(X25519,
// HKDF-SHA256) + HKDF-SHA256 + AES-GCM, written straight on node:crypto
// (X25519, HMAC, AES-GCM), with no library in between. A benchmark baseline,
// not a code path: the box opens with @hpke. Checked against RFC 9180's
// vectors before it is timed.
import {
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
} from 'node:crypto';

const te = new TextEncoder();
const i2osp = (n, len) => {
  const b = Buffer.alloc(len);
  b.writeUIntBE(n, 0, len);
  return b;
};
const extract = (salt, ikm) =>
  createHmac('sha256', salt.length ? salt : Buffer.alloc(32))
    .update(ikm)
    .digest();
const labeledIkm = (suite, label, ikm) =>
  Buffer.concat([te.encode('HPKE-v1'), suite, te.encode(label), ikm]);
const labeledInfo = (suite, label, info, L) =>
  Buffer.concat([i2osp(L, 2), te.encode('HPKE-v1'), suite, te.encode(label), info]);
const labeledExtract = (suite, salt, label, ikm) => extract(salt, labeledIkm(suite, label, ikm));
// An Extract followed by one Expand is what hkdfSync computes in one call.
const labeledExtractExpand = (suite, salt, ikmLabel, ikm, infoLabel, info, L) =>
  Buffer.from(
    hkdfSync(
      'sha256',
      labeledIkm(suite, ikmLabel, ikm),
      salt,
      labeledInfo(suite, infoLabel, info, L),
      L,
    ),
  );

const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');

export function floorRecipient(skRaw, pkRaw, aeadId) {
  const sk = createPrivateKey({
    key: Buffer.concat([X25519_PKCS8, skRaw]),
    format: 'der',
    type: 'pkcs8',
  });
  const kemSuite = Buffer.concat([te.encode('KEM'), i2osp(0x20, 2)]);
  const suite = Buffer.concat([te.encode('HPKE'), i2osp(0x20, 2), i2osp(1, 2), i2osp(aeadId, 2)]);
  const nk = aeadId === 1 ? 16 : 32;
  const cipher = aeadId === 1 ? 'aes-128-gcm' : 'aes-256-gcm';
  return {
    open(enc, ct, info, aad) {
      const pkE = createPublicKey({
        key: Buffer.concat([X25519_SPKI, enc]),
        format: 'der',
        type: 'spki',
      });
      const dh = diffieHellman({ privateKey: sk, publicKey: pkE });
      const shared = labeledExtractExpand(
        kemSuite,
        Buffer.alloc(0),
        'eae_prk',
        dh,
        'shared_secret',
        Buffer.concat([enc, pkRaw]),
        32,
      );
      const ctx = Buffer.concat([
        Buffer.from([0]),
        labeledExtract(suite, Buffer.alloc(0), 'psk_id_hash', Buffer.alloc(0)),
        labeledExtract(suite, Buffer.alloc(0), 'info_hash', info),
      ]);
      const key = labeledExtractExpand(suite, shared, 'secret', Buffer.alloc(0), 'key', ctx, nk);
      const nonce = labeledExtractExpand(
        suite,
        shared,
        'secret',
        Buffer.alloc(0),
        'base_nonce',
        ctx,
        12,
      );
      const d = createDecipheriv(cipher, key, nonce);
      d.setAAD(aad);
      d.setAuthTag(ct.subarray(ct.length - 16));
      return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
    },
  };
}
