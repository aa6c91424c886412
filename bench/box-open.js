// Opening 10,000 submissions per suite, as the box does at close, against a
// floor made of the same primitives called directly through node:crypto
// (X25519 + HKDF + AES-GCM, bench/hpke-floor.js). The box on Node opens with
// node:crypto (src/node/native-hpke.ts): target at most 1.5x the floor for
// both suites. @hpke, the browser's path and the fallback, is timed beside it.
// Rounds alternate floor and suites; each figure is the median round.
import { readFileSync } from 'node:fs';
import { boxKeyPairFromSeed, open } from '../src/box/hpke.ts';
import { nativeBoxKeyPairFromSeed, nativeSeal } from '../src/node/native-hpke.ts';
import { floorRecipient } from './hpke-floor.js';

const count = Number(process.env.BENCH_SUBMISSIONS ?? 10_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
// Pure-JS X-Wing takes milliseconds an open: a sample of it is enough.
const hpkeXwingCount = Math.min(count, Number(process.env.BENCH_HPKE_XWING ?? 1000));
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

// One seed per suite: the same key for @hpke, node:crypto and (x25519) the floor.
async function keys(suite) {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const portable = await boxKeyPairFromSeed(suite, seed);
  const native = nativeBoxKeyPairFromSeed(suite, seed);
  const sealed = Array.from({ length: count }, (_, i) =>
    nativeSeal(suite, native.publicKey, message, info, aadFor(i)),
  );
  return { portable, native, sealed };
}
const x = await keys('x25519');
const w = await keys('x-wing');
const jwk = await crypto.subtle.exportKey('jwk', x.portable.keyPair.privateKey);
const floor = floorRecipient(Buffer.from(jwk.d, 'base64url'), Buffer.from(x.native.publicKey), 2);

const same = (pt) => Buffer.from(pt).equals(Buffer.from(message));
async function timeOpen(key, sealed, n) {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const pt = await open(key, sealed[i].enc, sealed[i].ct, info, aadFor(i));
    if (i === 0 && !same(pt)) throw new Error('a suite opened to something else');
  }
  return (performance.now() - t) / n;
}
function timeFloor() {
  const t = performance.now();
  for (let i = 0; i < count; i++) {
    const pt = floor.open(
      Buffer.from(x.sealed[i].enc),
      Buffer.from(x.sealed[i].ct),
      info,
      aadFor(i),
    );
    if (i === 0 && !same(pt)) throw new Error('the floor opened to something else');
  }
  return (performance.now() - t) / count;
}

const each = { floor: [], x25519: [], xwing: [] };
for (let r = 0; r < rounds; r++) {
  each.floor.push(timeFloor());
  each.x25519.push(await timeOpen(x.native, x.sealed, count));
  each.xwing.push(await timeOpen(w.native, w.sealed, count));
}
const hpkeX25519 = await timeOpen(x.portable, x.sealed, count);
const hpkeXwing = await timeOpen(w.portable, w.sealed, hpkeXwingCount);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const us = (ms) => `${(ms * 1000).toFixed(1)} us`;
const f = median(each.floor);
const line = (label, ms, target) =>
  console.log(
    `  ${label.padEnd(52)} ${us(ms).padStart(10)} = ${(ms / f).toFixed(2)}x the floor${target ? ` (target <= ${target})` : ''}`,
  );
console.log(
  `opening ${count} submissions per suite, median of ${rounds} alternating rounds (node ${process.version}); per submission:`,
);
console.log(
  `  ${'floor: node:crypto X25519 + HKDF + AES-256-GCM'.padEnd(52)} ${us(f).padStart(10)}`,
);
line('x25519 on node:crypto (the box on Node)', median(each.x25519), '1.5x');
line('x-wing on node:crypto (the box on Node)', median(each.xwing), '1.5x');
line('x25519 on @hpke (browser, fallback; 1 round)', hpkeX25519);
line(`x-wing on @hpke (browser, fallback; ${hpkeXwingCount}, 1 round)`, hpkeXwing);
