// `box verify`'s recompute of a key ceremony, against results altered one way
// at a time (the result's attestation aside: these are what a box running
// other code could have attested). Each alteration fails with its reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ceremonyCheck } from '../../src/box/checks/ceremony.ts';
import { compute } from '../../src/box/compute/index.ts';
import type { Manifest } from '../../src/box/manifest.ts';
import { takeReplies } from '../../src/box/replies.ts';
import type { BoxResult } from '../../src/box/result.ts';

const seed = new Uint8Array(32).fill(3);
const other = new Uint8Array(32).fill(4);
const third = new Uint8Array(32).fill(5);

function box(
  parameters: Record<string, unknown>,
  withKey: boolean[],
  minParticipants = 1,
  s = seed,
) {
  const inputs = withKey.map((k, i) => ({
    author_id: 3000 + i,
    author_login: `a${i}`,
    comment_id: 60 + i,
    message: 'ready',
    reply_key: k,
  }));
  const { output } = takeReplies(
    compute('ceremony', parameters, inputs, minParticipants, { seed: s }),
    inputs,
  );
  const manifest = {
    computation: { name: 'ceremony', parameters },
    rules: { min_participants: minParticipants },
  } as unknown as Manifest;
  const result = {
    status: 'complete',
    submissions: inputs.map((i) => ({
      comment_id: i.comment_id,
      author_id: i.author_id,
      author_login: i.author_login,
      created_at: '2026-01-01T00:00:00Z',
      ciphertext_sha256: '0'.repeat(64),
      status: 'accepted',
    })),
    output: JSON.parse(JSON.stringify(output)),
    replies: inputs
      .filter((i) => i.reply_key)
      .map((i) => ({ comment_id: i.comment_id, armour: '', commitment: '0'.repeat(64) })),
  } as unknown as BoxResult;
  return { manifest, result, output: result.output as Record<string, unknown> };
}

const verdict = (b: ReturnType<typeof box>) => {
  const c = ceremonyCheck(b.manifest, b.result);
  return c.ok ? 'ok' : c.reason;
};

test('control: honest ceremonies pass (participants, a list, withheld)', () => {
  assert.equal(verdict(box({ threshold: 2 }, [true, true, false, true])), 'ok');
  assert.equal(
    verdict(box({ threshold: 2, recipients: [3002, 3000, 3999] }, [true, true, true])),
    'ok',
  );
  assert.equal(verdict(box({ threshold: 3 }, [true, true, false])), 'ok');
  assert.equal(verdict(box({ threshold: 2 }, [true, true], 3)), 'ok');
});

test('each alteration fails recompute, naming what is wrong', () => {
  const cases: [string, (b: ReturnType<typeof box>) => void, RegExp][] = [
    [
      'the commitments of another key',
      (b) =>
        (b.output.commitments = box(
          { threshold: 2 },
          [true, true, true],
          1,
          other,
        ).output.commitments),
      /public key is not the first commitment/,
    ],
    [
      'one commitment too few',
      (b) => (b.output.commitments = (b.output.commitments as string[]).slice(0, 1)),
      /commitments are not 2 points/,
    ],
    [
      'a commitment that is no point',
      (b) => ((b.output.commitments as string[])[1] = `02${'ff'.repeat(32)}`),
      /commitments are not 2 points/,
    ],
    [
      'the PEM of another key',
      (b) =>
        ((b.output.public_key as { pem: string }).pem = (
          box({ threshold: 2 }, [true, true, true], 1, other).output.public_key as { pem: string }
        ).pem),
      /public key is not the first commitment/,
    ],
    ['another threshold', (b) => (b.output.threshold = 3), /threshold 3, not the manifest's 2/],
    [
      'a recipient dropped',
      (b) => (b.output.recipients = (b.output.recipients as unknown[]).slice(1)),
      /recipients are not/,
    ],
    [
      'indices swapped',
      (b) => {
        const r = b.output.recipients as { index: number }[];
        [r[0]!.index, r[1]!.index] = [r[1]!.index, r[0]!.index];
      },
      /recipients are not/,
    ],
    [
      'a recipient without a reply',
      (b) => (b.result.replies = b.result.replies!.slice(1)),
      /recipients are not/,
    ],
    [
      'withheld though enough recipients',
      (b) => (b.result.output = { withheld: true, reason: 'x' }),
      /withheld, though 3 recipients/,
    ],
    [
      'an extra member (a share published)',
      (b) => (b.output.shares = ['00']),
      /output has members/,
    ],
  ];
  for (const [name, alter, why] of cases) {
    const b = box({ threshold: 2 }, [true, true, true]);
    alter(b);
    assert.match(verdict(b), why, name);
  }
  const few = box({ threshold: 2 }, [true, false, false]);
  few.result.output = box({ threshold: 2 }, [true, true, false]).output;
  assert.match(verdict(few), /a key was published for 1 recipient/);
  const listed = box({ threshold: 2, recipients: [3002, 3000, 3999] }, [true, true, true]);
  listed.output.missing = [];
  assert.match(verdict(listed), /missing user ids/);
});

// Found by attacking `box verify`'s recompute of a key ceremony (the result's
// attestation aside: what a box running other code could have attested). The
// spec fixes both shapes: a withheld ceremony's output is exactly
// {"withheld": true, "reason": TEXT} ("no key is made", replies-v1.1.md §8.2,
// computations-v1.1.md), and a made key's output has exactly the members of
// §8.4, `public_key` being {"pem", "jwk"} (§8.5). Today the withheld branch
// compares `withheld` only, so a ceremony that says no key was made can still
// publish a public key and commitments of two different keys and verify OK,
// and `public_key` takes any extra member, a private `d` included.
test('control: an honest withheld ceremony and an honest key pass', () => {
  assert.equal(verdict(box({ threshold: 3 }, [true, true, false])), 'ok');
  assert.equal(verdict(box({ threshold: 2 }, [true, true, true])), 'ok');
});

test('a withheld ceremony that publishes a key anyway fails recompute', () => {
  const made = (s: typeof seed) => box({ threshold: 2 }, [true, true, true], 1, s).output;
  const cases: [string, Record<string, unknown>][] = [
    [
      // "no key was made", yet a public key, and commitments of another key beside it
      'a public key and the commitments of another key',
      {
        withheld: true,
        reason: 'fewer than the threshold',
        public_key: made(other).public_key,
        commitments: made(third).commitments,
      },
    ],
    ['a whole key beside withheld', { ...made(other), withheld: true, reason: 'x' }],
    [
      'a reason that is not text',
      { withheld: true, reason: { public_key: made(other).public_key } },
    ],
  ];
  for (const [name, output] of cases) {
    const b = box({ threshold: 3 }, [true, true, false]);
    b.result.output = output;
    assert.notEqual(verdict(b), 'ok', name);
  }
});

test('a public key with members beyond pem and jwk fails recompute', () => {
  for (const extra of [{ d: 'AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM' }, { der: 'MFkw' }]) {
    const b = box({ threshold: 2 }, [true, true, true]);
    Object.assign(b.output.public_key as object, extra);
    assert.notEqual(verdict(b), 'ok', Object.keys(extra)[0]);
  }
});
