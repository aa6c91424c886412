// The sigstore-conformance bundle-verify cases, each run through
// `sealbox verify-bundle` exactly as the conformance suite calls a client.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conformanceCases, verifyBundleArgs } from '../helpers/conformance.ts';
import { sealbox } from '../helpers/cli.ts';

const cases = conformanceCases();

test('all 47 conformance cases are present', () => {
  assert.equal(cases.length, 47);
});

for (const c of cases) {
  test(`conformance ${c.name} ${c.shouldPass ? 'verifies' : 'is rejected'}`, async () => {
    const r = await sealbox(verifyBundleArgs(c));
    if (c.shouldPass) assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    else {
      assert.notEqual(r.status, 0, r.stdout);
      assert.ok(r.status === 1 || r.status === 2, `exit ${r.status}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });
}
