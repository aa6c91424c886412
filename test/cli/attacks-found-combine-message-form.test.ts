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
import { test } from 'node:test';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { twoOfTwoCeremony } from '../helpers/ceremony.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

test("ceremony combine refuses a message that is not byte for byte the share's reply", async () => {
  const { file, docs } = await twoOfTwoCeremony(ctx, 6172);
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
