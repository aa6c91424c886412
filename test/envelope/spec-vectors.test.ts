// The spec's test vectors (docs/spec/vectors/envelope-v1), run as the spec says.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  canonicalBody,
  contentHash,
  parseEnvelope,
  type EnvelopeFormat,
} from '../../src/envelope/envelope.ts';
import { EnvelopeRefusal } from '../../src/envelope/refusal.ts';

interface Vectors {
  vectors: {
    name: string;
    format?: EnvelopeFormat;
    input: string;
    canonical: string;
    sha256: string;
  }[];
  refused: { name: string; format?: EnvelopeFormat; input: string; code: string; reason: string }[];
}

const read = (file: string): Vectors =>
  JSON.parse(
    readFileSync(new URL(`../../docs/spec/vectors/envelope-v1/${file}`, import.meta.url), 'utf8'),
  );

for (const file of ['content-hash.json', 'members.json']) {
  const vectors = read(file);
  for (const v of vectors.vectors) {
    test(`${file} vector: ${v.name}`, async () => {
      const env = parseEnvelope(v.input, v.name, v.format ?? 'sealbox');
      assert.equal(canonicalBody(env), v.canonical);
      assert.equal(await contentHash(env), v.sha256);
    });
  }
  for (const v of vectors.refused) {
    test(`${file} refused: ${v.name}`, () => {
      assert.throws(
        () => canonicalBody(parseEnvelope(v.input, v.name, v.format ?? 'sealbox')),
        (e: unknown) =>
          e instanceof EnvelopeRefusal &&
          e.code === 'INPUT_INVALID' &&
          e.refusal === v.code &&
          e.message.includes(v.reason),
      );
    });
  }
}

test('the sealbox vectors are recognised as sealbox without --format-in', () => {
  for (const v of read('content-hash.json').vectors)
    assert.equal(parseEnvelope(v.input, v.name).format, 'sealbox', v.name);
});

test("the InferenceBench member vectors' hashes are Python's own", () => {
  const ib = read('members.json').vectors.filter((v) => v.format === 'inferencebench');
  assert.ok(ib.length >= 3);
  const script = [
    'import sys, json, hashlib',
    'for line in sys.stdin:',
    '    body = json.loads(json.loads(line)); body.pop("signature", None)',
    '    print(hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest())',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], {
    input: ib.map((v) => JSON.stringify(v.input)).join('\n') + '\n',
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    r.stdout.trim().split('\n'),
    ib.map((v) => v.sha256),
  );
});

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
