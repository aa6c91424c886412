// Opening 10,000 submissions per suite, as the box does at close, against a
// floor made of the same primitives called directly through node:crypto
// (X25519 + HKDF + AES-GCM). Targets: x25519 at most 6x, X-Wing at most 40x.
import { readFileSync } from 'node:fs';
import { generateBoxKeyPair, open, seal } from '../src/box/hpke.ts';
import { floorRecipient } from './hpke-floor.js';

const count = Number(process.env.BENCH_SUBMISSIONS ?? 10_000);
const hex = (s) => Buffer.from(s, 'hex');

// The floor must be right before it is a baseline: RFC 9180's X25519 + AES-128-GCM vector.
const v = JSON.parse(
  readFileSync(
    new URL('../../shared/fixtures/hpke-vectors/rfc9180-x25519-base.json', import.meta.url),
    'utf8',
  ),
)[0];
const check = floorRecipient(hex(v.skRm), hex(v.pkRm), 1).open(
  hex(v.enc),
  hex(v.encryptions[0].ct),
  hex(v.info),
  hex(v.encryptions[0].aad),
);
if (check.toString('hex') !== v.encryptions[0].pt)
  throw new Error('the node:crypto floor does not reproduce RFC 9180');

const info = new TextEncoder().encode('sealbox-box/v1 info 0123');
const aadFor = (i) => new TextEncoder().encode(`sealbox-box/v1 aad box ${i}`);
const message = new TextEncoder().encode(JSON.stringify({ message: '12345' }));

async function timeSuite(suite) {
  const box = await generateBoxKeyPair(suite);
  const sealed = [];
  for (let i = 0; i < count; i++)
    sealed.push(await seal(suite, box.publicKey, message, info, aadFor(i)));
  const t = performance.now();
  for (let i = 0; i < count; i++) await open(box, sealed[i].enc, sealed[i].ct, info, aadFor(i));
  return { ms: performance.now() - t, box, sealed };
}

// The floor opens the x25519 suite's own ciphertexts, with the private key exported for it here only.
const x = await timeSuite('x25519');
const jwk = await crypto.subtle.exportKey('jwk', x.box.keyPair.privateKey).catch(() => undefined);
let floorMs;
if (jwk?.d) {
  const floor = floorRecipient(Buffer.from(jwk.d, 'base64url'), Buffer.from(x.box.publicKey), 2);
  const t = performance.now();
  for (let i = 0; i < count; i++) {
    const pt = floor.open(
      Buffer.from(x.sealed[i].enc),
      Buffer.from(x.sealed[i].ct),
      info,
      aadFor(i),
    );
    if (i === 0 && !pt.equals(Buffer.from(message))) throw new Error('floor and @hpke disagree');
  }
  floorMs = performance.now() - t;
}
const w = await timeSuite('x-wing');
console.log(`opening ${count} submissions per suite (node ${process.version})`);
if (floorMs === undefined)
  console.log('  floor unavailable: the x25519 private key is not exportable');
else {
  console.log(
    `  floor     node:crypto X25519 + HKDF + AES-256-GCM: ${floorMs.toFixed(0)} ms (${((floorMs / count) * 1000).toFixed(1)} us each)`,
  );
  console.log(
    `  x25519    @hpke/core DHKEM(X25519) + AES-256-GCM:  ${x.ms.toFixed(0)} ms = ${(x.ms / floorMs).toFixed(1)}x the floor (target <= 6x)`,
  );
  console.log(
    `  x-wing    @hpke X-Wing + AES-256-GCM:             ${w.ms.toFixed(0)} ms = ${(w.ms / floorMs).toFixed(1)}x the floor (target <= 40x)`,
  );
}
