// Computations on the local stack, end to end: sealed bids beyond 2^53 and
// ballots named after Object.prototype members go through a real box (sealed,
// opened, computed, attested) and `box verify`'s recompute.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SigstoreSignatureVerifier } from '../../src/adapters/sigstore-verifier.ts';
import { hostBox } from '../../src/box/host.ts';
import type { BoxResult } from '../../src/box/result.ts';
import { DEFAULT_BOX_SIGNER, verifyBox } from '../../src/box/verify.ts';
import { policyFromFlags } from '../../src/policy/identity.ts';
import { parseTrustedRootText } from '../../src/sigstore/trusted-root.ts';
import { boxConfig, boxDeps, stackReleases } from '../helpers/box.ts';
import { MemoryBus } from '../helpers/memory-bus.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

/** A bus on which each message is posted, in order, by its own author as soon as the box opens. */
const busWith = (messages: string[]) =>
  new MemoryBus(
    messages.map((message, i) => ({ id: 700 + i, login: `p${i}`, plaintext: { message } })),
  );

async function runBox(name: string, parameters: Record<string, unknown>, messages: string[]) {
  const h = await hostBox(
    boxDeps(ctx.stack, busWith(messages)),
    boxConfig({ computation: { name, parameters } }, { min_participants: 1 }),
  );
  const trustedRoots = parseTrustedRootText(
    readFileSync(ctx.stack.trustedRootPath, 'utf8'),
    'stack root',
  );
  const v = await verifyBox(h, {
    policy: policyFromFlags({ repo: 'demo/sealbox' }, { defaultSigner: DEFAULT_BOX_SIGNER }),
    trustedRoots,
    verifier: new SigstoreSignatureVerifier(),
    releases: await stackReleases(ctx.stack, trustedRoots),
  });
  return { result: h.parsedResult as BoxResult, verification: v };
}

test('an auction between 9007199254740992 and 9007199254740993: the higher bid wins, the price is exact, verify recomputes it', async () => {
  const { result, verification } = await runBox(
    'auction',
    { type: 'second-price', reveal_bids: true },
    ['9007199254740992', '9007199254740993'],
  );
  assert.equal(result.counts.accepted, 2);
  const out = result.output as { winner: { author_login: string }; price: string };
  assert.equal(out.winner.author_login, 'p1', 'not a tie going to the earlier bid');
  assert.equal(out.price, '9007199254740992');
  assert.ok(verification.ok, JSON.stringify(verification.checks.filter((c) => !c.ok)));
  assert.ok(verification.checks.some((c) => c.name === 'recompute' && c.ok));
});

test('a tally whose ballots spell constructor, toString and __proto__: they are invalid, not options', async () => {
  const { result, verification } = await runBox('tally', { choices: ['yes', 'no'] }, [
    'constructor',
    'toString',
    '__proto__',
    'yes',
  ]);
  assert.deepEqual(result.output, { counts: { yes: 1, no: 0 }, invalid: 3, ballots: 4 });
  assert.ok(verification.ok, JSON.stringify(verification.checks.filter((c) => !c.ok)));
});
