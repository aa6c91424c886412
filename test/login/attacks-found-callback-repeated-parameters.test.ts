// Found by attacking the loopback redirect: an answer carrying a parameter
// twice is taken as if the first were the only one. `code=A&code=B&state=S`
// signs with A, and a login whose answer is `state=S&state=X` is judged on S
// alone. RFC 6749 §3.1 says a response parameter MUST NOT be included more
// than once; an answer that says two things is not this login's answer: the
// login must end with one line, exit 2, nothing signed, and no token asked
// for with either code.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeUnsignedEnvelope } from '../helpers/envelope.ts';
import { LOGIN_URL, consent, personEnv, startSealbox } from '../helpers/login.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
let n = 0;

async function answerWith(edit: (answer: URL) => string): Promise<void> {
  const input = writeUnsignedEnvelope(join(ctx.dir, `in-${++n}.json`));
  const out = join(ctx.dir, `out-${n}.json`);
  const run = startSealbox(
    ['envelope', 'sign', input, '--keyless', '--oidc-interactive', '-o', out],
    personEnv(ctx.stack, { SEALBOX_LOGIN_TIMEOUT: '30' }),
  );
  const [, url] = await run.waitFor(LOGIN_URL);
  const answer = new URL(await consent(url!, 'allow'));
  const page = await fetch(edit(answer));
  const r = await run.done;
  assert.equal(page.status, 400, `the browser is told the login failed: ${r.stderr}`);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr.trim().split('\n').at(-1)!, /^sealbox: login at .*; nothing signed$/);
  assert.doesNotMatch(r.stderr, /logged in as/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(r.stdout, '');
  assert.equal(existsSync(out), false, 'nothing written');
}

test('an answer with two codes is refused, not signed with the first', async () => {
  await answerWith((answer) => `${answer.href}&code=another-code`);
});

test('an answer with two states is refused, not judged on the first', async () => {
  await answerWith((answer) => `${answer.href}&state=another-state`);
});
