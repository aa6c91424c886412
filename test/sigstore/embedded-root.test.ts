// The embedded public-good root is not re-validated at each run
// (embeddedTrustedRoot builds it directly): here it must pass the validation
// every other root gets, and come out the same as through it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import snapshot from '../../src/sigstore/roots/public-good.json' with { type: 'json' };
import { EMBEDDED_ROOT_DATE, embeddedTrustedRoot } from '../../src/sigstore/embedded-root.ts';
import { parseTrustedRoot } from '../../src/sigstore/trusted-root.ts';
import { SealboxError } from '../../src/errors.ts';

test("the embedded root passes parseTrustedRoot's validation and equals what it builds", () => {
  const validated = parseTrustedRoot(snapshot.trustedRoot, 'embedded');
  const embedded = embeddedTrustedRoot();
  assert.deepEqual(embedded.root, validated.root);
  assert.equal(embedded.json, snapshot.trustedRoot);
  assert.equal(embedded.source, `embedded public-good root (snapshot ${EMBEDDED_ROOT_DATE})`);
  assert.ok(embedded.root.certificateAuthorities.length > 0 && embedded.root.tlogs.length > 0);
});

test('the same validation refuses a damaged copy of it (control)', () => {
  const damaged = structuredClone(snapshot.trustedRoot) as { tlogs: { publicKey: object }[] };
  damaged.tlogs[0]!.publicKey = {};
  assert.throws(
    () => parseTrustedRoot(damaged, 'damaged'),
    (e: unknown) => e instanceof SealboxError && e.code === 'TRUSTED_ROOT_INVALID',
  );
});
