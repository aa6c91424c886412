// Found by crafting reply documents for `ceremony combine`: it takes a
// `message` that is not the share's reply as long as it parses to the same
// index and share: `{"index":1,"share":"S","index":1}` (a member twice) or
// ` {"share":"S" , "index":1}\n` (reordered, spaced). replies-v1.1 §8.3 makes
// the reply exactly `{"index":i,"share":"S"}` (members in that order, no
// spaces) and §8.6 has combine refuse "a message that is not the share's
// reply"; no box ever sent these, and the commitment of such a document can
// never recompute. Each must be refused (exit 2, one line naming the file),
// and no key written.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { firstBoxIssue, hostBoxCli } from '../helpers/box.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
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

test("ceremony combine refuses a message that is not byte for byte the share's reply", async () => {
  const { file, docs } = await ceremony(6172);
  const alice = JSON.parse(readFileSync(docs.alice!, 'utf8'));
  const { index, share } = alice.ceremony as { index: number; share: string };
  // The genuine pair recombines: the documents below differ from alice's in their message only.
  const genuine = await sealbox([
    'ceremony',
    'combine',
    docs.alice!,
    docs.bob!,
    '--out',
    file('genuine.key'),
  ]);
  assert.equal(genuine.status, 0, genuine.stdout + genuine.stderr);

  const messages: [string, string][] = [
    ['member-twice', `{"index":${index},"share":"${share}","index":${index}}`],
    ['reordered-spaced', ` {"share":"${share}" , "index":${index}}\n`],
  ];
  for (const [name, message] of messages) {
    const path = file(`${name}.json`);
    writeFileSync(path, JSON.stringify({ ...alice, message }));
    const key = file(`${name}.key`);
    const r = await sealbox(['ceremony', 'combine', path, docs.bob!, '--out', key]);
    assert.equal(r.status, 2, `${name}: ${r.stdout}${r.stderr}`);
    assertOneCleanLine(r.stderr);
    assert.ok(r.stderr.includes(path), `${name}: the line names the file: ${r.stderr}`);
    assert.equal(existsSync(key), false, `${name}: no key written`);
  }
});
