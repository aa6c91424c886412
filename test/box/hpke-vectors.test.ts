// HPKE test vectors through the same library calls the box uses: RFC 9180's
// DHKEM(X25519) base-mode vectors and the X-Wing KEM vectors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { XWing } from '@hpke/hybridkem-x-wing';
import { SHARED } from '../helpers/cli.ts';
import { generateBoxKeyPair, open, seal, SUITES, suiteByIds } from '../../src/box/hpke.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const rfc = JSON.parse(
  readFileSync(`${SHARED}fixtures/hpke-vectors/rfc9180-x25519-base.json`, 'utf8'),
);
const xwing = JSON.parse(readFileSync(`${SHARED}fixtures/hpke-vectors/xwing-kem.json`, 'utf8'));

for (const v of rfc) {
  test(`RFC 9180 vector: ${v.suite}`, async () => {
    const aead = v.aead_id === 1 ? new Aes128Gcm() : new Chacha20Poly1305();
    const suite = new CipherSuite({
      kem: new DhkemX25519HkdfSha256(),
      kdf: new HkdfSha256(),
      aead,
    });
    const recipientKey = await suite.kem.deriveKeyPair(hex(v.ikmR));
    assert.equal(
      Buffer.from(await suite.kem.serializePublicKey(recipientKey.publicKey)).toString('hex'),
      v.pkRm,
    );
    const ctx = await suite.createRecipientContext({
      recipientKey,
      enc: hex(v.enc),
      info: hex(v.info),
    });
    const first = v.encryptions[0];
    const pt = await ctx.open(hex(first.ct), hex(first.aad));
    assert.equal(Buffer.from(pt).toString('hex'), first.pt);
    for (const e of v.exports) {
      const out = await ctx.export(hex(e.exporter_context), e.L);
      assert.equal(Buffer.from(out).toString('hex'), e.exported_value);
    }
  });
}

for (const [i, v] of xwing.vectors.entries()) {
  test(`X-Wing KEM vector ${i}: key pair from seed, shared secret from ciphertext`, async () => {
    const kem = new XWing();
    const pair = await kem.generateKeyPairDerand(hex(v.seed));
    assert.equal(Buffer.from(await kem.serializePublicKey(pair.publicKey)).toString('hex'), v.pk);
    const ss = await kem.decap({ recipientKey: pair, enc: hex(v.ct) });
    assert.equal(Buffer.from(ss).toString('hex'), v.ss);
  });
}

for (const suite of ['x-wing', 'x25519'] as const) {
  test(`the box's ${suite} suite: seal and open round trip; wrong info or aad does not open`, async () => {
    const box = await generateBoxKeyPair(suite);
    const info = new TextEncoder().encode('manifest digest');
    const aad = new TextEncoder().encode('box id|583231');
    const msg = new TextEncoder().encode('bid: 42');
    const { enc, ct } = await seal(suite, box.publicKey, msg, info, aad);
    assert.deepEqual(await open(box, enc, ct, info, aad), msg);
    await assert.rejects(open(box, enc, ct, info, new TextEncoder().encode('box id|1')));
    await assert.rejects(open(box, enc, ct, new TextEncoder().encode('other manifest'), aad));
    assert.equal(suiteByIds(SUITES[suite]), suite);
  });
}
