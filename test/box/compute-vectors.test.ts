// The computations spec's vectors (docs/spec/vectors/sealed-box-v1.1/compute.json),
// run as the file's own description says another implementation would run them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compute } from '../../src/box/compute/index.ts';
import { takeReplies } from '../../src/box/replies.ts';
import { SealboxError } from '../../src/errors.ts';

interface Vector {
  name: string;
  in: {
    computation: string;
    parameters: Record<string, unknown>;
    submissions: {
      author_id: number;
      author_login: string;
      comment_id: number;
      message: string;
      reply_key?: boolean;
    }[];
    min_participants: number;
    seed?: string;
  };
  out?: Record<string, unknown>;
  rejected?: string;
  replies?: Record<string, unknown>;
}

const file = JSON.parse(
  readFileSync(
    new URL('../../docs/spec/vectors/sealed-box-v1.1/compute.json', import.meta.url),
    'utf8',
  ),
) as { version: string; vectors: Vector[] };

test('the vectors file is the version this test reads, and covers every computation', () => {
  assert.equal(file.version, 'sealbox-compute-vectors/1');
  const names = new Set(file.vectors.map((v) => v.in.computation));
  for (const n of ['reveal', 'auction', 'tally', 'stats', 'ceremony']) assert.ok(names.has(n), n);
  for (const v of file.vectors)
    assert.equal(('out' in v ? 1 : 0) + ('rejected' in v ? 1 : 0), 1, `${v.name}: out or rejected`);
});

// What is published: the output as JSON (as result.json writes it), read back.
const published = (x: unknown) => JSON.parse(JSON.stringify(x));

for (const v of file.vectors) {
  test(`vector: ${v.name}`, () => {
    const { computation, parameters, submissions, min_participants } = v.in;
    const context = v.in.seed ? { seed: Uint8Array.from(Buffer.from(v.in.seed, 'hex')) } : {};
    if (v.rejected !== undefined) {
      const want =
        v.rejected === 'computation'
          ? `computation ${JSON.stringify(computation)} is not one of`
          : `parameter ${v.rejected} `;
      assert.throws(
        () => compute(computation, parameters, submissions, min_participants, context),
        (e: unknown) => e instanceof SealboxError && e.code === 'USAGE' && e.message.includes(want),
      );
      return;
    }
    const { output, replies } = takeReplies(
      compute(computation, parameters, submissions, min_participants, context),
      submissions,
    );
    const got = published(output);
    if (v.out!.withheld === true) {
      assert.equal(got.withheld, true);
      assert.equal(typeof got.reason, 'string');
      assert.deepEqual(Object.keys(got).sort(), ['reason', 'withheld']);
    } else assert.deepStrictEqual(got, v.out);
    if (v.replies) {
      assert.deepStrictEqual(
        Object.fromEntries([...replies].map(([id, text]) => [String(id), JSON.parse(text)])),
        v.replies,
      );
    }
  });
}
