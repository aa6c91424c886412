// Found by attacking the login: SEALBOX_LOGIN_TIMEOUT above 2147483 seconds
// (24.8 days, the most a Node timer holds) overflows the timer, which then
// fires at once: the login ends immediately with "no answer from the browser
// within 3000000 s (was it closed?)", a false statement, before anyone could
// answer. A value sealbox accepts must be waited for; one it cannot wait for
// must be refused as bad input (exit 2, one line naming the variable).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeUnsignedEnvelope } from '../helpers/envelope.ts';
import { LOGIN_URL, consent, personEnv, startSealbox } from '../helpers/login.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

test('SEALBOX_LOGIN_TIMEOUT=3000000 waits for the browser (or is refused), never ends the login at once', async () => {
  const input = writeUnsignedEnvelope(join(ctx.dir, 'in.json'));
  const run = startSealbox(
    ['envelope', 'sign', input, '--keyless', '--oidc-interactive', '-o', join(ctx.dir, 'out.json')],
    personEnv(ctx.stack, { SEALBOX_LOGIN_TIMEOUT: '3000000' }),
  );
  let url: string | undefined;
  try {
    url = (await run.waitFor(LOGIN_URL))[1];
  } catch {
    // Refused before any login: that is a fix too.
    const r = await run.done;
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^sealbox: SEALBOX_LOGIN_TIMEOUT=3000000: [^\n]*\n$/);
    return;
  }
  // The person takes two seconds to reach the consent page: the login must still be waiting.
  const early = await Promise.race([
    run.done,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2000)),
  ]);
  assert.equal(early, undefined, `the login ended at once: ${early?.stderr}`);
  await fetch(await consent(url!, 'allow'));
  const r = await run.done;
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /logged in as alice@example\.com/);
});
