// Messages in the page's words: the flags the shared core's messages name
// become the names of the page's fields. Every flag named in a message of the
// code the page runs must have a field, so a new message cannot slip a CLI
// flag into the page unnoticed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FLAG_FIELDS, inPageTerms, SIGNER_FLAGS } from '../src/terms.ts';

test('flags become quoted field names; flag-value pairs are separated', () => {
  assert.equal(
    inPageTerms(
      'relied on workflow W at commit C; pin them with --signer-workflow github.com/o/r/.github/workflows/b.yml@refs/heads/main --source-digest 1111',
    ),
    'relied on workflow W at commit C; pin them with “Signer workflow” github.com/o/r/.github/workflows/b.yml@refs/heads/main, “Source commit” 1111',
  );
  assert.equal(
    inPageTerms('--signer-repo and --signer-workflow cannot be combined: give one signer'),
    '“Signer repository” and “Signer workflow” cannot be combined: give one signer',
  );
  assert.equal(
    inPageTerms('--repo "a b" is not OWNER/REPO'),
    '“Repository” "a b" is not OWNER/REPO',
  );
  assert.equal(
    inPageTerms('add --owner, --repo, --cert-identity-regex (or --key for a key-signed bundle)'),
    'add “Owner”, “Repository”, “Certificate identity pattern” (or “Public key” for a key-signed bundle)',
  );
  // A command to run stays a command.
  assert.equal(
    inPageTerms(
      "no GitHub root is at hand: run 'sealbox trusted-root update --instance github' once, or pass --trusted-root",
    ),
    "no GitHub root is at hand: run 'sealbox trusted-root update --instance github' once, or pass “Trusted root (Settings)”",
  );
  // Not flags: left alone.
  assert.equal(inPageTerms('a--b, --unknown-flag, x --'), 'a--b, --unknown-flag, x --');
  assert.equal(
    inPageTerms('-----BEGIN SEALBOX SUBMISSION-----'),
    '-----BEGIN SEALBOX SUBMISSION-----',
  );
});

test('linear in the length of the message', () => {
  const text = (n: number) => '--repo x '.repeat(n) + '-'.repeat(n * 9);
  const time = (t: string) => {
    const start = performance.now();
    inPageTerms(t);
    return performance.now() - start;
  };
  // 8 times the text: about 8 times the time if linear, 64 if quadratic. The
  // smaller text is large enough that a loaded machine's noise stays small.
  const small = text(50_000);
  const large = text(400_000);
  time(small); // warm up
  time(large);
  const best = (t: string) => Math.min(...Array.from({ length: 5 }, () => time(t)));
  const ratio = best(large) / best(small);
  assert.ok(ratio < 32, `8x the text took ${ratio.toFixed(1)}x the time`);
});

const SRC = new URL('../../src/', import.meta.url).pathname;
const PAGE_RUNS = [
  'box',
  'policy',
  'envelope',
  'sigstore',
  'adapters',
  'github',
  'browser',
  'errors.ts',
];
const files = (p: string): string[] =>
  statSync(p).isFile() ? [p] : readdirSync(p).flatMap((f) => files(join(p, f)));

test('every flag a message of the page’s code names has a field', () => {
  const named = new Set<string>();
  for (const f of PAGE_RUNS.flatMap((p) => files(join(SRC, p))).filter((f) => f.endsWith('.ts')))
    for (const line of readFileSync(f, 'utf8').split('\n'))
      if (!/^\s*(\/\/|\*|\/\*)/.test(line))
        // Flags inside a quoted command to run ('sealbox ...') are the page's advice to use the CLI.
        for (const m of line
          .replace(/'sealbox [^']*'/g, '')
          .matchAll(/(?<![\w-])--[a-z][a-z0-9-]+/g))
          named.add(m[0]);
  assert.ok(
    named.has('--signer-workflow'),
    `control: the scan finds flags: ${[...named].join(', ')}`,
  );
  assert.deepEqual(
    [...named].filter((flag) => !FLAG_FIELDS[flag] && !SIGNER_FLAGS.has(flag)),
    [],
  );
});
