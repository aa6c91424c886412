// The release rule's vectors (docs/spec/vectors/sealed-box-v1.1/release.json),
// run unchanged; and the `release` check over bundles, with the allowance
// and the lists scoped to the trusted root a bundle verified against.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { releaseCheck } from '../../src/box/checks/release.ts';
import {
  parseReleaseList,
  releaseVerdict,
  type ReleaseList,
  type ReleaseSource,
} from '../../src/box/releases.ts';
import type { BundleVerification } from '../../src/sigstore/verify-bundle.ts';

const vectors = JSON.parse(
  readFileSync(
    new URL('../../docs/spec/vectors/sealed-box-v1.1/release.json', import.meta.url),
    'utf8',
  ),
) as {
  lists: Record<string, unknown>;
  cases: {
    name: string;
    signer: { uri: string; digest: string };
    lists: string[];
    ok: boolean;
    code?: string;
  }[];
  list_cases: { name: string; list: unknown; valid: boolean }[];
};

const lists = Object.fromEntries(
  Object.entries(vectors.lists).map(([k, v]) => [k, parseReleaseList(v, k)]),
) as Record<string, ReleaseList>;

for (const c of vectors.cases) {
  test(`release rule: ${c.name}`, () => {
    const v = releaseVerdict(
      { uri: c.signer.uri || undefined, digest: c.signer.digest },
      c.lists.map((n) => lists[n]!),
    );
    assert.equal(v.ok, c.ok, v.reason);
    if (!v.ok) assert.equal(v.code, c.code, v.reason);
  });
}

for (const c of vectors.list_cases) {
  test(`release list: ${c.name}`, () => {
    if (c.valid) assert.doesNotThrow(() => parseReleaseList(c.list, c.name));
    else
      assert.throws(
        () => parseReleaseList(c.list, c.name),
        (e: Error & { code?: string }) =>
          e.code === 'INPUT_INVALID' && e.message.startsWith(`release list ${c.name}: `),
      );
  });
}

test('the vectors cover every code and both outcomes', () => {
  const codes = new Set(vectors.cases.map((c) => c.code ?? 'OK'));
  assert.deepEqual(
    [...codes].sort(),
    ['OK', 'REVOKED_RELEASE', 'UNKNOWN_RELEASE', 'UNRELEASED'].sort(),
  );
});

const W = 'https://github.com/sealbox/sealbox/.github/workflows/box.yml@';
const A = 'a'.repeat(40);
const bundle = (ref: string, digest: string, root: string): BundleVerification =>
  ({
    ok: true,
    trustedRoot: root,
    claims: { buildSignerURI: `${W}${ref}`, buildSignerDigest: digest },
  }) as unknown as BundleVerification;
const shipped: ReleaseSource = { label: 'shipped', list: lists.E! };
const stack: ReleaseSource = { label: 'stack', list: lists.L!, roots: ['stack root'] };

test("a stack's list speaks only for bundles verified against its own root", () => {
  const onStack = releaseCheck(
    [bundle('refs/tags/v0.1.0', A, 'stack root'), bundle('refs/tags/v0.1.0', A, 'stack root')],
    [shipped, stack],
    false,
  );
  assert.equal(onStack.ok, true, onStack.reason);
  const elsewhere = releaseCheck(
    [bundle('refs/tags/v0.1.0', A, 'public-good'), bundle('refs/tags/v0.1.0', A, 'public-good')],
    [shipped, stack],
    false,
  );
  assert.equal(elsewhere.code, 'UNKNOWN_RELEASE', elsewhere.reason);
});

test('the result certificate is judged too, and a missing certificate is not evaluated', () => {
  const mixed = releaseCheck(
    [bundle('refs/tags/v0.1.0', A, 'stack root'), bundle('refs/heads/main', A, 'stack root')],
    [stack],
    false,
  );
  assert.equal(mixed.code, 'UNRELEASED');
  assert.match(mixed.reason, /box\.yml at refs\/heads\/main: a branch is not a release/);
  assert.equal(releaseCheck([undefined], [stack], false).code, 'NOT_EVALUATED');
});

test('allowing unreleased box workflows passes the check and says why', () => {
  const allowed = releaseCheck([bundle('refs/heads/main', A, 'x')], [stack], true);
  assert.equal(allowed.ok, true);
  assert.match(
    allowed.reason,
    /a branch is not a release.*\(allowed: --allow-unreleased-box-workflow\)$/,
  );
});
