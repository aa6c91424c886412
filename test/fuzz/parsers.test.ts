// Fuzzing every parser and decision function sealbox exposes to untrusted
// input: random text and JSON, and mutations of real inputs (the conformance
// bundles and roots, a manifest, an announcement, a result). Property: each
// returns or throws a SealboxError with a code, never anything else; what is
// accepted round-trips. SEALBOX_FUZZ_RUNS raises the count (npm run stress).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseBoxAddress } from '../../src/box/address.ts';
import { announcementText, parseAnnouncement, resultTexts } from '../../src/box/bus.ts';
import { latestResult } from '../../src/box/result-comments.ts';
import { generateBoxKeyPair } from '../../src/box/hpke.ts';
import { hpkeFields, manifestBytes, parseManifest, type Manifest } from '../../src/box/manifest.ts';
import { armour, decodeArmour, findArmour } from '../../src/box/armour.ts';
import { classify, type BusComment } from '../../src/box/close-rules.ts';
import { closeContext } from '../helpers/box.ts';
import { parseEnvelope, contentHash } from '../../src/envelope/envelope.ts';
import { isSealboxError } from '../../src/errors.ts';
import { policyFromFlags } from '../../src/policy/identity.ts';
import { parseBundle, parseBundleText } from '../../src/sigstore/bundle.ts';
import { parseTrustedRootText } from '../../src/sigstore/trusted-root.ts';
import { CONFORMANCE_DIR } from '../helpers/conformance.ts';

const RUNS = Number(process.env.SEALBOX_FUZZ_RUNS ?? '300');
const CODES = new Set([
  'USAGE',
  'POLICY_MISSING',
  'INPUT_NOT_FOUND',
  'INPUT_UNREADABLE',
  'INPUT_INVALID',
  'BUNDLE_INVALID',
  'TRUSTED_ROOT_INVALID',
  'KEY_INVALID',
  'NETWORK',
  'NO_IDENTITY',
  'SERVICE',
  'UNSUPPORTED',
  'TIMEOUT',
]);

/** Returns, or throws a coded SealboxError; anything else fails the property. */
async function coded(f: () => unknown): Promise<unknown> {
  try {
    return await f();
  } catch (e) {
    if (isSealboxError(e) && CODES.has(e.code)) return undefined;
    throw new Error(`not a coded error: ${(e as Error)?.stack ?? String(e)}`, { cause: e });
  }
}

/** Text mutations: flip, cut, duplicate, insert a character, at random places. */
const mutated = (seed: string) =>
  fc
    .array(
      fc.record({
        op: fc.constantFrom('flip', 'cut', 'dup', 'insert'),
        at: fc.nat(),
        ch: fc.string({ minLength: 1, maxLength: 3, unit: 'grapheme' }),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((ops) => {
      let s = seed;
      for (const { op, at, ch } of ops) {
        const i = s.length ? at % s.length : 0;
        if (op === 'flip')
          s = s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ 1) + s.slice(i + 1);
        else if (op === 'cut') s = s.slice(0, i);
        else if (op === 'dup') s = s.slice(0, i) + s.slice(i, i + 40) + s.slice(i);
        else s = s.slice(0, i) + ch + s.slice(i);
      }
      return s;
    });

const property = (arb: fc.Arbitrary<string>, f: (s: string) => unknown) =>
  fc.assert(
    fc.asyncProperty(arb, async (s) => {
      await coded(() => f(s));
    }),
    { numRuns: RUNS },
  );

const json = fc.jsonValue().map((v) => JSON.stringify(v));
const bundleText = readFileSync(`${CONFORMANCE_DIR}happy-path-v0.3/bundle.sigstore.json`, 'utf8');
const rootText = readFileSync(`${CONFORMANCE_DIR}rekor2-happy-path/trusted_root.json`, 'utf8');

test('bundles: random JSON and mutated real bundles', async () => {
  await property(fc.oneof(json, mutated(bundleText)), (s) => parseBundleText(s, 'fuzz'));
  await property(json, (s) => parseBundle(JSON.parse(s), 'fuzz'));
});

test('trusted roots: random JSON and mutated real roots', async () => {
  await property(fc.oneof(json, fc.string(), mutated(rootText)), (s) =>
    parseTrustedRootText(s, 'fuzz'),
  );
});

test('envelopes (both formats): random JSON and mutations; accepted ones hash stably', async () => {
  const sealbox = JSON.stringify({ sealbox_envelope: 'v1', suite_id: 's', metrics: { x: 1.5 } });
  const ib = JSON.stringify({ envelope_version: 'v1', suite_id: 's', model: { id: 'm' } });
  await fc.assert(
    fc.asyncProperty(fc.oneof(json, mutated(sealbox), mutated(ib)), async (s) => {
      const e = (await coded(() => parseEnvelope(s, 'fuzz'))) as
        Parameters<typeof contentHash>[0] | undefined;
      if (e) {
        const h1 = await coded(() => contentHash(e));
        const h2 = await coded(() => contentHash(parseEnvelope(s, 'again')));
        assert.deepEqual(h1, h2);
      }
    }),
    { numRuns: RUNS },
  );
});

test('policy flags: any combination is a policy or a coded refusal', async () => {
  const flag = fc.option(
    fc.oneof(fc.string(), fc.constantFrom('octo/app', 'octo', '^https://', '[', 'refs/heads/main')),
    { nil: undefined },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        owner: flag,
        repo: flag,
        signerRepo: flag,
        signerWorkflow: flag,
        certIdentity: flag,
        certIdentityRegex: flag,
        certOidcIssuer: flag,
        sourceRef: flag,
        sourceDigest: flag,
      }),
      async (flags) => void (await coded(() => policyFromFlags(flags))),
    ),
    { numRuns: RUNS },
  );
});

test('box addresses: anything is an address or a coded refusal; the forms round-trip', async () => {
  await property(
    fc.oneof(
      fc.string(),
      fc.webUrl(),
      mutated('https://github.com/o/r/actions/runs/12/attempts/2'),
    ),
    (s) => parseBoxAddress(s),
  );
  await fc.assert(
    fc.property(
      fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/),
      fc.nat(),
      fc.nat(),
      (name, n, k) => {
        assert.deepEqual(parseBoxAddress(`${name}/${name}#${n}`), {
          kind: 'issue',
          repository: `${name}/${name}`,
          issue: n,
        });
        assert.deepEqual(
          parseBoxAddress(`https://h.example/${name}/r/actions/runs/${n}/attempts/${k}`),
          {
            kind: 'run',
            repository: `${name}/r`,
            runId: n,
            attempt: k,
          },
        );
      },
    ),
    { numRuns: RUNS },
  );
});

async function sampleManifest(): Promise<Manifest> {
  const key = await generateBoxKeyPair('x25519');
  return {
    version: 'sealbox-box/v1.1',
    box_id: 'fuzz-box',
    hpke: hpkeFields('x25519', key.publicKey),
    window_seconds: 60,
    bus: {
      kind: 'github-issue',
      address: 'o/r#1',
      repository: 'o/r',
      issue: 1,
      issue_node_id: 'I_1',
      author: { id: 41898282, login: 'github-actions[bot]' },
    },
    rules: {
      max_submissions: 5,
      max_bytes: 4096,
      one_per_author: 'first',
      allowed_authors: null,
      min_participants: 0,
      signed_submissions: false,
    },
    computation: { name: 'reveal', parameters: {} },
    run: {
      repository: 'o/r',
      workflow_ref: 'o/r/.github/workflows/b.yml@refs/heads/main',
      run_id: '1',
      run_attempt: '1',
      sha: 'a'.repeat(40),
    },
  };
}

test('manifests and announcements: mutations are refused with a code; a valid one round-trips', async () => {
  const m = await sampleManifest();
  const bytes = manifestBytes(m);
  assert.deepEqual(parseManifest(manifestBytes(parseManifest(bytes))), m);
  const text = new TextDecoder().decode(bytes);
  await property(fc.oneof(json, mutated(text)), (s) => parseManifest(new TextEncoder().encode(s)));
  const a = {
    boxId: m.box_id,
    manifest: bytes,
    manifestBundle: { b: 1 },
    opensAt: '2026-01-01T00:00:00Z',
    closesAt: '2026-01-01T00:01:00Z',
  };
  const body = announcementText(a, '3 so far');
  assert.deepEqual(parseAnnouncement(body)?.manifest, bytes);
  await property(mutated(body), (s) => parseAnnouncement(s));
});

test('results on the bus: random and mutated comments never crash the reader', async () => {
  const texts = await resultTexts(new TextEncoder().encode('{"ok":true}'), { b: 1 });
  await property(fc.oneof(fc.string(), mutated(texts[0]!)), (s) =>
    latestResult([
      { id: 1, author_id: 1, author_login: 'a', created_at: '', updated_at: '', body: s },
    ]),
  );
});

test('armour and the close rules: any comments get one status each, and never a crash', async () => {
  const m = await sampleManifest();
  const key = await generateBoxKeyPair('x25519');
  const valid = armour(new Uint8Array(32).fill(7), new Uint8Array(40).fill(9));
  assert.equal(findArmour(valid), valid.split('\n').slice(1, -1).join(''));
  assert.deepEqual(decodeArmour(findArmour(valid)!, 'x25519')?.enc, new Uint8Array(32).fill(7));
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          body: fc.oneof(fc.string(), mutated(valid)),
          author_id: fc.nat(),
          created: fc.integer({ min: -5, max: 70 }),
          edited: fc.boolean(),
        }),
        { maxLength: 8 },
      ),
      async (cs) => {
        const t0 = Date.parse('2026-01-01T00:00:00Z');
        const iso = (s: number) => new Date(t0 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        const comments: BusComment[] = cs.map((c, i) => ({
          id: i + 1,
          author_id: c.author_id,
          author_login: `a${c.author_id}`,
          created_at: iso(c.created),
          updated_at: iso(c.created + (c.edited ? 1 : 0)),
          body: c.body,
        }));
        const r = (await coded(() =>
          classify(comments, closeContext(m, 'd'.repeat(64), key, iso(0), iso(60))),
        )) as Awaited<ReturnType<typeof classify>>;
        assert.ok(r, 'classify never throws');
        const armoured = comments.filter((c) => findArmour(c.body) !== undefined).length;
        assert.equal(r.records.length, armoured);
        for (const rec of r.records)
          assert.ok(rec.status === 'accepted' ? !rec.reason : rec.reason);
      },
    ),
    { numRuns: RUNS },
  );
});
