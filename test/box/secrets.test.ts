// The box's private key never reaches a file, a log, the bus or an error
// message, in any encoding; decrypted submissions reach only the output the
// computation publishes.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { announcementText, resultText } from '../../src/box/bus.ts';
import { createHash, randomBytes } from 'node:crypto';
import {
  boxKeyPairFromSeed,
  generateBoxKeyPair,
  type BoxKeyPair,
  type PortableKeyPair,
  type SuiteName,
} from '../../src/box/hpke.ts';
import { nativeBoxKeyPairFromSeed } from '../../src/node/native-hpke.ts';
import { hostBox } from '../../src/box/host.ts';
import { boxConfig, boxDeps } from '../helpers/box.ts';
import { MemoryBus } from '../helpers/memory-bus.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

async function privateBytes(k: PortableKeyPair): Promise<Uint8Array> {
  const p = k.keyPair.privateKey as CryptoKey & { key?: Uint8Array };
  if (p.key) return p.key; // X-Wing: the seed
  const jwk = await crypto.subtle.exportKey('jwk', p);
  return Buffer.from(jwk.d!, 'base64url');
}

/**
 * A key node:crypto opens with (the box's on Node), made from a seed the test
 * keeps, and every private value it holds: the seed and what it expands to
 * (X-Wing: ML-KEM-768's 64-byte seed and X25519's key; X25519: the derived key).
 */
async function nativeKey(suite: SuiteName): Promise<{ key: BoxKeyPair; secrets: Uint8Array[] }> {
  const seed = randomBytes(32);
  const expanded =
    suite === 'x-wing'
      ? createHash('shake256', { outputLength: 96 }).update(seed).digest()
      : undefined;
  const secrets = expanded
    ? [seed, expanded.subarray(0, 64), expanded.subarray(64)]
    : [seed, await privateBytes(await boxKeyPairFromSeed(suite, seed))];
  return { key: nativeBoxKeyPairFromSeed(suite, seed), secrets };
}

/** Every encoding a key might leak in. */
function encodings(bytes: Uint8Array): string[] {
  const b = Buffer.from(bytes);
  return [
    b.toString('hex'),
    b.toString('hex').toUpperCase(),
    b.toString('base64'),
    b.toString('base64url'),
    b.toString('base64').replace(/=+$/, ''),
  ];
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

for (const [suite, keys] of [
  ['x25519', '@hpke'],
  ['x-wing', '@hpke'],
  ['x25519', 'node:crypto'],
  ['x-wing', 'node:crypto'],
] as const) {
  test(`${suite} (${keys}): the key is nowhere in what the box wrote, logged or posted`, async () => {
    let privateValues: Uint8Array[] = [];
    const emitted: string[] = [];
    const secrets = ['sealed bid 31337', 'sealed bid 27182'];
    const bus = new MemoryBus(
      secrets.map((message, i) => ({ id: 900 + i, login: `p${i}`, plaintext: { message } })),
    );
    const hosted = await hostBox(
      boxDeps(ctx.stack, bus, undefined, {
        log: (line) => emitted.push(line),
        generateKey: async (s) => {
          if (keys === 'node:crypto') {
            const made = await nativeKey(s);
            privateValues = made.secrets;
            return made.key;
          }
          const key = await generateBoxKeyPair(s);
          privateValues = [await privateBytes(key)];
          return key;
        },
      }),
      boxConfig(
        {
          boxId: `secrets-${suite}-${keys === '@hpke' ? 'hpke' : 'node'}`,
          suite,
          computation: { name: 'stats', parameters: {} },
        },
        { min_participants: 2 },
      ),
    );
    const dir = join(ctx.dir, `${suite}-${keys}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), hosted.manifest);
    writeFileSync(join(dir, 'result.json'), hosted.result);
    writeFileSync(join(dir, 'manifest.sigstore.json'), JSON.stringify(hosted.manifestBundle));
    writeFileSync(join(dir, 'result.sigstore.json'), JSON.stringify(hosted.resultBundle));
    assert.ok(privateValues.length, 'the box made its key through the test');
    const needles = privateValues.flatMap(encodings);
    for (const e of bus.emitted) {
      if (e.announcement) emitted.push(announcementText(e.announcement));
      if (e.result) emitted.push(resultText(e.result, e.bundle));
    }
    const gather = () =>
      [...emitted, ...walk(ctx.dir).map((f) => readFileSync(f, 'latin1'))].join('\n');
    // Control: the same search, over the same files, finds a key planted in one of them.
    const planted = join(dir, 'planted.txt');
    writeFileSync(planted, `noise ${needles[2]} noise`);
    assert.ok(gather().includes(needles[2]!), 'the search finds a planted key');
    rmSync(planted);
    const haystack = gather();
    for (const n of needles)
      assert.ok(!haystack.includes(n), `the private key leaked (${n.slice(0, 8)}...)`);
    // stats does not reveal inputs: the plaintexts appear nowhere either.
    for (const s of secrets)
      assert.ok(!haystack.includes(s), `a decrypted submission leaked: ${s}`);
    assert.equal(
      (JSON.parse(new TextDecoder().decode(hosted.result)).output as { withheld: boolean })
        .withheld,
      true,
      'non-numeric messages are not valid inputs: fewer than min_participants, so withheld',
    );
  });
}
