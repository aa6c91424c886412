// Found by attacking protocol v1.1 (docs/spec/submission-v1.1.md, sections 1.1
// and 1.3): `box submit` reads a message that is not UTF-8 (a Latin-1 file, an
// encoded lone surrogate) by replacing its bytes with U+FFFD, seals and posts
// that, and says "submitted". The box then accepts a message the participant
// never wrote: "caf\xe9" becomes "caf\uFFFD" (a tally ballot silently turned
// invalid). The spec seals M "exactly as given" and says a participant MUST
// refuse a message that is not well-formed Unicode.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { releasedBoxRun } from '../../src/devstack/index.ts';
import { firstBoxIssue, hostBoxCli } from '../helpers/box.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

test('box submit refuses a message that is not well-formed UTF-8 instead of sealing U+FFFD in its place', async () => {
  const runId = 9502;
  const out = join(ctx.dir, 'box');
  const host = hostBoxCli(
    ctx.stack,
    releasedBoxRun(ctx.stack, {
      runId,
    }),
    ['--computation', 'reveal', '--window', '8', '--suite', 'x25519', '--out', out],
  );
  const issue = await firstBoxIssue(ctx.stack, host.stderr(), runId);
  mkdirSync(join(ctx.dir, 'messages'), { recursive: true });
  const cases = [
    // "café" saved as Latin-1 (Windows-1252): 0xE9 is not UTF-8.
    { login: 'latin', bytes: Buffer.from('caf\xe9', 'latin1'), stdin: false },
    // A lone surrogate (U+D800) encoded as if it were a character (CESU-8), on standard input.
    { login: 'surrogate', bytes: Buffer.from([0x79, 0x65, 0x73, 0xed, 0xa0, 0x80]), stdin: true },
  ];
  const runs = [];
  for (const c of cases) {
    const file = join(ctx.dir, 'messages', `${c.login}.txt`);
    writeFileSync(file, c.bytes);
    const r = await sealbox(
      [
        'box',
        'submit',
        `demo/sealbox#${issue}`,
        '--repo',
        'demo/sealbox',
        '--trusted-root',
        ctx.stack.trustedRootPath,
        '--file',
        c.stdin ? '-' : file,
        '--receipt-out',
        join(ctx.dir, 'messages', `${c.login}-receipt.json`),
      ],
      { GITHUB_TOKEN: ctx.stack.github.tokenFor(c.login), GITHUB_API_URL: ctx.stack.githubApiUrl },
      c.stdin ? { input: c.bytes, cwd: ctx.dir } : { cwd: ctx.dir },
    );
    runs.push({ login: c.login, ...r });
  }
  assert.equal(await host.done, 0, host.stderr());
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
    output: { submissions: { author_login: string; message: string }[] };
  };
  const sealed = result.output.submissions.map((s) => `${s.author_login}: ${s.message}`);
  assert.deepEqual(sealed, [], 'the box accepted messages the participants never wrote');
  for (const r of runs) {
    assert.equal(r.status, 2, `${r.login}: ${r.stdout}${r.stderr}`);
    assertOneCleanLine(r.stderr);
  }
});
