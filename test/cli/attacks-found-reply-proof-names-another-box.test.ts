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
import { join } from 'node:path';
import { test } from 'node:test';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { firstBoxIssue, hostBoxCli } from '../helpers/box.ts';
import { sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const REPO = 'demo/sealbox';
const root = () => ['--trusted-root', ctx.stack.trustedRootPath];

/** A 2-of-2 ceremony on the stack; returns the box, its files and each recipient's reply document. */
async function ceremony(runId: number) {
  const { stack, dir } = ctx;
  const file = (name: string) => join(dir, `${runId}-${name}`);
  const run = releasedBoxRun(stack, { runId });
  const out = file('box');
  const host = hostBoxCli(stack, run, [
    '--computation',
    'ceremony',
    '--parameters',
    '{"threshold": 2}',
    '--max-submissions',
    '2',
    '--window',
    '60',
    '--suite',
    'x25519',
    '--out',
    out,
  ]);
  const issue = await firstBoxIssue(stack, 'for the ceremony', runId);
  const box = `${REPO}#${issue}`;
  for (const who of ['alice', 'bob']) {
    const r = await sealbox(
      [
        'box',
        'submit',
        box,
        '-R',
        REPO,
        ...root(),
        '--file',
        '-',
        '--receipt-out',
        file(`${who}-receipt.json`),
        '--reply-key-out',
        file(`${who}.key.json`),
      ],
      { GITHUB_TOKEN: stack.github.tokenFor(who), GITHUB_API_URL: stack.githubApiUrl },
      { input: `${who} is ready` },
    );
    assert.equal(r.status, 0, r.stderr);
  }
  assert.equal(await host.done, 0, host.stderr());
  const docs: Record<string, string> = {};
  for (const who of ['alice', 'bob']) {
    const r = await sealbox(
      [
        'box',
        'reply',
        out,
        '-R',
        REPO,
        ...root(),
        '--reply-key',
        file(`${who}.key.json`),
        '--out',
        file(`${who}-share.json`),
      ],
      {},
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    docs[who] = file(`${who}-share.json`);
  }
  return { box, file, docs };
}

test("a reply document naming another box, or carrying another reply's commitment, is no proof", async () => {
  const { box, file, docs } = await ceremony(6171);
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
