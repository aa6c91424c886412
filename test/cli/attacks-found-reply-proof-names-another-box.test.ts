// Found by handing a verifier crafted reply documents: `box verify
// --reply-proof` passes a document that names another box in its `box`
// member ("evil/other#1" for a proof about demo/sealbox#N), and one whose own
// `commitment` is another reply's. replies-v1.1 §7 has reply_proof pass only
// when "the document names this box"; a document that contradicts itself
// (its commitment is not the one its message and salt make) is not a proof
// of anything. Each must fail the check (REPLY_PROOF, exit 1) or be refused
// as bad input (exit 2), never pass.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { sealbox } from '../helpers/cli.ts';
import { twoOfTwoCeremony } from '../helpers/ceremony.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const REPO = 'demo/sealbox';
const root = () => ['--trusted-root', ctx.stack.trustedRootPath];

test("a reply document naming another box, or carrying another reply's commitment, is no proof", async () => {
  const { box, file, docs } = await twoOfTwoCeremony(ctx, 6171);
  const alice = JSON.parse(readFileSync(docs.alice!, 'utf8'));
  const bob = JSON.parse(readFileSync(docs.bob!, 'utf8'));
  const verify = (doc: string) =>
    sealbox(
      ['box', 'verify', box, '-R', REPO, ...root(), '--reply-proof', doc, '--format', 'json'],
      {
        GITHUB_API_URL: ctx.stack.githubApiUrl,
      },
    );
  // The genuine document passes: the crafted ones below differ from it in one member each.
  const genuine = await verify(docs.alice!);
  assert.equal(genuine.status, 0, genuine.stdout + genuine.stderr);

  const cases: [string, unknown][] = [
    ['another-box', { ...alice, box: 'evil/other#1' }],
    ['another-commitment', { ...alice, commitment: bob.commitment }],
  ];
  for (const [name, doc] of cases) {
    const path = file(`${name}.json`);
    writeFileSync(path, JSON.stringify(doc));
    const r = await verify(path);
    assert.notEqual(r.status, 0, `${name}: passed as a proof: ${r.stdout}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    if (r.status === 1) {
      const check = JSON.parse(r.stdout).checks.find(
        (c: { name: string }) => c.name === 'reply_proof',
      );
      assert.equal(check.code, 'REPLY_PROOF', `${name}: ${JSON.stringify(check)}`);
    } else {
      assert.equal(r.status, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, /^sealbox: [^\n]*\n$/);
    }
  }
});
