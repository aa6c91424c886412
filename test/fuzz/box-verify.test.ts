// Fuzzing box verification with real evidence: a box hosted on the local
// stack, then result.json and manifest.json mutated (values swapped for any
// JSON, bytes flipped). Property: verifyBox always resolves with checks (never
// throws), and anything changed fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hostBox, type HostedBox } from '../../src/box/host.ts';
import { DEFAULT_BOX_SIGNER, verifyBox } from '../../src/box/verify.ts';
import { SigstoreSignatureVerifier } from '../../src/adapters/sigstore-verifier.ts';
import { policyFromFlags } from '../../src/policy/identity.ts';
import { parseTrustedRootText } from '../../src/sigstore/trusted-root.ts';
import { readFileSync } from 'node:fs';
import { boxConfig, boxDeps, stackReleases } from '../helpers/box.ts';
import { MemoryBus } from '../helpers/memory-bus.ts';
import { useStack } from '../helpers/stack.ts';

const RUNS = Math.max(50, Math.round(Number(process.env.SEALBOX_FUZZ_RUNS ?? '300') / 3));
const ctx = useStack();

let hosting: Promise<HostedBox> | undefined;
const host = () =>
  (hosting ??= hostBox(
    boxDeps(ctx.stack, MemoryBus.bidders(2, 70)),
    boxConfig({}, { max_submissions: 2 }),
  ));

const verify = async (manifest: Uint8Array, result: Uint8Array, hosted: HostedBox) => {
  const trustedRoots = parseTrustedRootText(
    readFileSync(ctx.stack.trustedRootPath, 'utf8'),
    'stack',
  );
  return verifyBox(
    { manifest, manifestBundle: hosted.manifestBundle, result, resultBundle: hosted.resultBundle },
    {
      policy: policyFromFlags({ repo: 'demo/sealbox' }, { defaultSigner: DEFAULT_BOX_SIGNER }),
      trustedRoots,
      verifier: new SigstoreSignatureVerifier(),
      releases: await stackReleases(ctx.stack, trustedRoots),
    },
  );
};

/** Replaces the value at a random path of a JSON document with any JSON value. */
function replaced(doc: unknown, pick: number, value: unknown): unknown {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    paths.push(p);
    if (v && typeof v === 'object')
      for (const [k, c] of Object.entries(v)) walk(c, [...p, Array.isArray(v) ? Number(k) : k]);
  };
  walk(doc, []);
  const path = paths[pick % paths.length]!;
  if (!path.length) return value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as typeof at;
  at[path.at(-1)!] = value;
  return copy;
}

test('control: the hosted box verifies', async () => {
  const hosted = await host();
  const v = await verify(hosted.manifest, hosted.result, hosted);
  assert.ok(v.ok, JSON.stringify(v.checks.filter((c) => !c.ok)));
});

test('result.json and manifest.json with any value swapped or bytes flipped: checks, never a throw, never a pass', async () => {
  const hosted = await host();
  const te = new TextEncoder();
  const result = JSON.parse(new TextDecoder().decode(hosted.result));
  const manifest = JSON.parse(new TextDecoder().decode(hosted.manifest));
  await fc.assert(
    fc.asyncProperty(
      fc.boolean(),
      fc.oneof(
        fc.record({ kind: fc.constant('value' as const), pick: fc.nat(), value: fc.jsonValue() }),
        fc.record({
          kind: fc.constant('byte' as const),
          at: fc.nat(),
          xor: fc.integer({ min: 1, max: 255 }),
        }),
      ),
      async (inResult, m) => {
        const original = inResult ? hosted.result : hosted.manifest;
        let bytes: Uint8Array;
        if (m.kind === 'value')
          bytes = te.encode(
            JSON.stringify(replaced(inResult ? result : manifest, m.pick, m.value), null, 2) + '\n',
          );
        else {
          bytes = Uint8Array.from(original);
          bytes[m.at % bytes.length]! ^= m.xor;
        }
        const changed = Buffer.compare(Buffer.from(bytes), Buffer.from(original)) !== 0;
        const v = inResult
          ? await verify(hosted.manifest, bytes, hosted)
          : await verify(bytes, hosted.result, hosted);
        assert.ok(v.checks.length > 0);
        if (changed) assert.equal(v.ok, false, 'a changed file never verifies');
      },
    ),
    { numRuns: RUNS },
  );
});
