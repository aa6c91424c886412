// The sealed-box spec's vectors: submissions sealed to keys from fixed seeds
// open to the recorded plaintexts, and only for the recorded author.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { boxKeyPairFromSeed, open } from '../../src/box/hpke.ts';
import { parseAnyManifest } from '../../src/box/manifest.ts';
import { hpkeAad, hpkeInfo } from '../../src/box/ciphertext-binding.ts';
import { decodeArmour, findArmour } from '../../src/box/armour.ts';
import { sha256Hex } from '../../src/bytes.ts';

const vectors = JSON.parse(
  readFileSync(
    new URL('../../docs/spec/vectors/sealed-box-v1/submissions.json', import.meta.url),
    'utf8',
  ),
);

for (const v of vectors.suites) {
  test(`vectors: ${v.suite}`, async () => {
    const box = await boxKeyPairFromSeed(v.suite, Buffer.from(v.seed, 'hex'));
    assert.equal(Buffer.from(box.publicKey).toString('hex'), v.public_key);
    const bytes = new TextEncoder().encode(v.manifest);
    assert.equal(await sha256Hex(bytes), v.manifest_digest);
    const manifest = parseAnyManifest(bytes);
    for (const s of v.submissions) {
      const parts = decodeArmour(findArmour(s.armour.replace(/\n/g, '\r\n'))!, v.suite)!;
      const pt = await open(
        box,
        parts.enc,
        parts.ct,
        hpkeInfo(v.manifest_digest),
        hpkeAad(manifest.box_id, s.author_id),
      );
      assert.deepEqual(JSON.parse(new TextDecoder().decode(pt)), s.plaintext);
      await assert.rejects(
        open(
          box,
          parts.enc,
          parts.ct,
          hpkeInfo(v.manifest_digest),
          hpkeAad(manifest.box_id, s.author_id + 1),
        ),
      );
    }
  });
}
