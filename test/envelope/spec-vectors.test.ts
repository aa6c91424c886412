// The spec's test vectors (docs/spec/vectors/envelope-v1), run as the spec says.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { canonicalBody, contentHash, parseEnvelope } from '../../src/envelope/envelope.ts';
import { SealboxError } from '../../src/errors.ts';

const vectors = JSON.parse(
  readFileSync(
    new URL('../../docs/spec/vectors/envelope-v1/content-hash.json', import.meta.url),
    'utf8',
  ),
);

for (const v of vectors.vectors) {
  test(`vector: ${v.name}`, async () => {
    const env = parseEnvelope(v.input, v.name);
    assert.equal(env.format, 'sealbox');
    assert.equal(canonicalBody(env), v.canonical);
    assert.equal(await contentHash(env), v.sha256);
  });
}

for (const v of vectors.refused) {
  test(`refused: ${v.name}`, () => {
    assert.throws(
      () => canonicalBody(parseEnvelope(v.input, v.name)),
      (e: unknown) => e instanceof SealboxError && e.message.includes(v.reason),
    );
  });
}

test('1.50 and 1.5 are one number; a changed value is another hash', async () => {
  const h = async (t: string) => contentHash(parseEnvelope(t, 't'));
  assert.equal(
    await h('{"sealbox_envelope":"v1","x":1.50}'),
    await h('{"x": 1.5, "sealbox_envelope": "v1"}'),
  );
  assert.notEqual(
    await h('{"sealbox_envelope":"v1","x":1.5}'),
    await h('{"sealbox_envelope":"v1","x":1.51}'),
  );
});
