// The exec computation's parameter vectors (docs/spec/vectors/sealed-box-v1/
// exec-parameters.json), run as the spec says: each accepted case passes and
// warns a verifier exactly when it has network; each refused case is refused
// in one line naming its parameter.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { execParameters } from '../../src/box/compute/exec.ts';
import type { Manifest } from '../../src/box/manifest.ts';
import { manifestWarnings } from '../../src/box/warnings.ts';
import { SealboxError } from '../../src/errors.ts';

const vectors = JSON.parse(
  readFileSync(
    new URL('../../docs/spec/vectors/sealed-box-v1/exec-parameters.json', import.meta.url),
    'utf8',
  ),
) as {
  accepted: { parameters: Record<string, unknown>; warns: boolean }[];
  refused: { parameters: Record<string, unknown>; parameter: string }[];
};

const manifestWith = (name: string, parameters: Record<string, unknown>) =>
  ({ computation: { name, parameters } }) as unknown as Manifest;

test('exec parameters: the accepted vectors pass, and warn exactly when they have network', () => {
  assert.ok(vectors.accepted.length >= 5);
  for (const v of vectors.accepted) {
    const label = JSON.stringify(v.parameters);
    assert.deepEqual(execParameters(v.parameters), v.parameters, label);
    const warnings = manifestWarnings(manifestWith('exec', v.parameters));
    assert.equal(warnings.length, v.warns ? 1 : 0, label);
    if (v.warns) assert.match(warnings[0]!, /^warning: .*network.*plaintext/, label);
  }
});

test('exec parameters: each refused vector is refused in one line naming its parameter', () => {
  assert.ok(vectors.refused.length >= 20);
  for (const v of vectors.refused) {
    const label = JSON.stringify(v.parameters);
    assert.throws(
      () => execParameters(v.parameters),
      (e: unknown) => {
        assert.ok(e instanceof SealboxError, label);
        assert.equal(e.code, 'USAGE', label);
        assert.ok(
          e.message.startsWith(`exec: parameter ${v.parameter} `) ||
            e.message.startsWith(`exec: parameter ${v.parameter}:`),
          `${label}: ${e.message}`,
        );
        assert.doesNotMatch(e.message, /\n/, label);
        return true;
      },
      label,
    );
  }
});

test('the network warning is about exec only: another computation with a network parameter gets none', () => {
  assert.deepEqual(manifestWarnings(manifestWith('tally', { choices: ['a'], network: true })), []);
  assert.deepEqual(manifestWarnings(manifestWith('exec', { command: ['x'], network: 'true' })), []);
});
