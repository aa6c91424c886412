// The command line under random arguments: commands that work offline, with
// flags and values drawn at random (no network: the GitHub API points at a
// closed local port). Property: exit 0, 1 or 2, and an error is one clean
// line, never a stack trace.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { CONFORMANCE_DIR } from '../helpers/conformance.ts';

const RUNS = Math.max(20, Math.round(Number(process.env.SEALBOX_FUZZ_RUNS ?? '300') / 10));
const cwd = mkdtempSync(join(tmpdir(), 'sealbox-fuzz-cli-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

const commands = [
  ['verify'],
  ['verify-bundle'],
  ['verify-batch'],
  ['envelope', 'hash'],
  ['envelope', 'verify'],
  ['box', 'verify'],
  ['trusted-root', 'show'],
  ['attest'],
];
const flags = [
  '--bundle',
  '--repo',
  '--owner',
  '--signer-workflow',
  '--cert-identity',
  '--cert-identity-regex',
  '--trusted-root',
  '--format',
  '--key',
  '--dev-public-key',
  '--require-identity-pattern',
  '--receipt',
  '--workers',
  '--predicate-type',
];
const values = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    `${CONFORMANCE_DIR}a.txt`,
    `${CONFORMANCE_DIR}happy-path-v0.3/bundle.sigstore.json`,
    `${CONFORMANCE_DIR}rekor2-happy-path/trusted_root.json`,
    'json',
    'octo/app',
    'sha256:00',
    '[',
    '-',
    '',
    'o/r#1',
  ),
);

test('random arguments: exit 0, 1 or 2, and errors are one clean line', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...commands),
      fc.array(fc.oneof(fc.constantFrom(...flags), values), { maxLength: 6 }),
      async (command, rest) => {
        const r = await sealbox([...command, ...rest], {
          GITHUB_API_URL: 'http://127.0.0.1:9',
          SEALBOX_CACHE_DIR: join(cwd, 'cache'),
          NO_COLOR: '1',
        });
        assert.ok([0, 1, 2].includes(r.status ?? -1), `exit ${r.status}: ${r.stderr}`);
        if (r.status === 2) assertOneCleanLine(r.stderr);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
      },
    ),
    { numRuns: RUNS },
  );
});
