// Writes docs/spec/vectors/sealed-box-v1/submissions.json: for each suite, a
// box key pair from a fixed seed, a manifest, and submissions sealed to it
// (HPKE sealing is randomized, so the vectors are made once and opened by the
// tests, and by any other implementation).
import { writeFileSync } from 'node:fs';
import { boxKeyPairFromSeed } from '../src/box/hpke.ts';
import { hpkeFields, manifestBytes } from '../src/box/manifest.ts';
import { sealSubmission } from '../src/box/sealing.ts';
import { sha256Hex } from '../src/bytes.ts';

const out = {
  description:
    'sealbox box v1 submission vectors: open each `armour` with the box key from `seed` (X-Wing: generateKeyPairDerand; X25519: DeriveKeyPair), info and aad as in the spec; expect `plaintext`.',
  suites: [],
};
for (const suite of ['x-wing', 'x25519']) {
  const seed = new Uint8Array(32).map((_, i) => i + (suite === 'x-wing' ? 1 : 101));
  const box = await boxKeyPairFromSeed(suite, seed);
  const manifest = {
    version: 'sealbox-box/v1',
    box_id: `vector-${suite}`,
    hpke: hpkeFields(suite, box.publicKey),
    window_seconds: 300,
    bus: { kind: 'github-issue', address: 'demo/sealbox#1' },
    rules: {
      max_submissions: 10,
      max_bytes: 65536,
      one_per_author: 'first',
      allowed_authors: null,
      min_participants: 0,
    },
    computation: { name: 'reveal', parameters: {} },
    run: {
      repository: 'demo/sealbox',
      workflow_ref: 'demo/sealbox/.github/workflows/box.yml@refs/heads/main',
      run_id: '1',
      run_attempt: '1',
      sha: '1'.repeat(40),
    },
  };
  const bytes = manifestBytes(manifest);
  const digest = await sha256Hex(bytes);
  const submissions = [];
  for (const [author_id, plaintext] of [
    [583231, { message: 'hello, box' }],
    [1, { message: '42', reply_public_key: 'AAAA' }],
  ]) {
    submissions.push({
      author_id,
      plaintext,
      armour: await sealSubmission(manifest, digest, box.publicKey, author_id, plaintext),
    });
  }
  out.suites.push({
    suite,
    seed: Buffer.from(seed).toString('hex'),
    public_key: Buffer.from(box.publicKey).toString('hex'),
    manifest: new TextDecoder().decode(bytes),
    manifest_digest: digest,
    submissions,
  });
}
writeFileSync(
  new URL('../docs/spec/vectors/sealed-box-v1/submissions.json', import.meta.url),
  JSON.stringify(out, null, 2) + '\n',
);
console.log('wrote docs/spec/vectors/sealed-box-v1/submissions.json');
