// PROTOCOL.md's threats against verification, each made real on the local
// stack: a re-run, a self-hosted runner, a manifest attested after opens_at,
// an early close without a full box, and another workflow of the same run
// attesting a forged result.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { hostBox, type BoxConfig, type HostDeps } from '../../src/box/host.ts';
import { resultBytes, type BoxResult } from '../../src/box/result.ts';
import { DEFAULT_BOX_SIGNER, verifyBox, type BoxFiles } from '../../src/box/verify.ts';
import { type RunIdentity } from '../../src/devstack/identity.ts';
import { boxAttester } from '../../src/node/box-attest.ts';
import { SigstoreSignatureVerifier } from '../../src/adapters/sigstore-verifier.ts';
import { policyFromFlags } from '../../src/policy/identity.ts';
import { parseTrustedRootText } from '../../src/sigstore/trusted-root.ts';
import {
  boxConfig,
  boxDeps,
  boxRun as helperRun,
  manifestRun,
  stackReleases,
} from '../helpers/box.ts';
import { MemoryBus } from '../helpers/memory-bus.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const boxRun = (extra: Partial<RunIdentity> = {}): RunIdentity =>
  helperRun(ctx.stack, { runId: 777, ...extra });

async function host(
  run: RunIdentity,
  rules: Partial<BoxConfig['rules']> = {},
  patch: Partial<HostDeps> = {},
): Promise<BoxFiles> {
  const h = await hostBox(
    boxDeps(ctx.stack, MemoryBus.bidders(2), run, patch),
    boxConfig(
      {
        computation: { name: 'auction', parameters: { reveal_bids: true } },
        run: manifestRun(run),
      },
      { min_participants: 1, ...rules },
    ),
  );
  return {
    manifest: h.manifest,
    manifestBundle: h.manifestBundle,
    result: h.result,
    resultBundle: h.resultBundle,
  };
}

async function verify(files: BoxFiles, allowSelfHostedRunners = false) {
  const roots = parseTrustedRootText(readFileSync(ctx.stack.trustedRootPath, 'utf8'), 'stack root');
  const v = await verifyBox(files, {
    policy: policyFromFlags({ repo: 'demo/sealbox' }, { defaultSigner: DEFAULT_BOX_SIGNER }),
    trustedRoots: roots,
    verifier: new SigstoreSignatureVerifier(),
    allowSelfHostedRunners,
    releases: await stackReleases(ctx.stack, roots),
  });
  return v.checks.filter((c) => !c.ok).map((c) => c.name);
}

let honest: BoxFiles;

test('control: an honest box verifies', async () => {
  honest = await host(boxRun());
  assert.deepEqual(await verify(honest), []);
});

test('a re-run: the manifest of attempt 1 with the result of attempt 2 does not link', async () => {
  const attempt2 = await host(boxRun({ runAttempt: 2 }));
  assert.deepEqual(
    await verify({ ...honest, result: attempt2.result, resultBundle: attempt2.resultBundle }),
    ['linkage', 'manifest_digest', 'window'],
  );
});

test('a self-hosted runner is refused unless allowed', async () => {
  const selfHosted = await host(boxRun({ runnerEnvironment: 'self-hosted' }));
  assert.deepEqual(await verify(selfHosted), ['runner']);
  assert.deepEqual(await verify(selfHosted, true), []);
});

test('a manifest attested after opens_at fails the window', async () => {
  const attest = boxAttester({ fulcioUrl: ctx.stack.fulcioUrl, rekorUrl: ctx.stack.rekorUrl }, () =>
    ctx.stack.issuer.mint(boxRun()),
  );
  // A box that lies about when its manifest was attested opens the window too early.
  const lying = await host(
    boxRun(),
    {},
    {
      attest: async (bytes, name) => ({
        ...(await attest(bytes, name)),
        signedTimes: [new Date(Date.now() - 60_000).toISOString()],
      }),
      now: () => new Date(Date.now() - 60_000),
    },
  );
  assert.ok((await verify(lying)).includes('window'));
});

test('an early close without a full box fails the window', async () => {
  const result = JSON.parse(new TextDecoder().decode(honest.result)) as BoxResult;
  const early = { ...result, closed_at: result.opens_at };
  const bytes = resultBytes(early);
  const attest = boxAttester({ fulcioUrl: ctx.stack.fulcioUrl, rekorUrl: ctx.stack.rekorUrl }, () =>
    ctx.stack.issuer.mint(boxRun()),
  );
  const { bundle } = await attest(bytes, 'result.json');
  const failed = await verify({ ...honest, result: bytes, resultBundle: bundle });
  assert.ok(failed.includes('window'), failed.join(','));
});

test('another workflow of the same run attesting a forged result is not the box', async () => {
  const result = JSON.parse(new TextDecoder().decode(honest.result)) as BoxResult;
  const forged = resultBytes({
    ...result,
    output: { winner: { author_login: 'mallory' }, price: '1' },
  });
  // The caller's own workflow (same run id) holds an OIDC token too.
  const caller = boxAttester({ fulcioUrl: ctx.stack.fulcioUrl, rekorUrl: ctx.stack.rekorUrl }, () =>
    ctx.stack.issuer.mint(boxRun({ jobWorkflowRef: undefined })),
  );
  const { bundle } = await caller(forged, 'result.json');
  const failed = await verify({ ...honest, result: forged, resultBundle: bundle });
  assert.ok(failed.includes('result_bundle') && failed.includes('linkage'), failed.join(','));
});

test('a ceremony that fails after the manifest was attested publishes an attested aborted result', async () => {
  const broken = MemoryBus.bidders(1);
  broken.comments = async () => {
    throw new Error('the bus went away');
  };
  let published: Uint8Array | undefined;
  broken.publishResult = async (r: Uint8Array) => {
    published = r;
  };
  const h = await hostBox(
    boxDeps(ctx.stack, broken, boxRun()),
    boxConfig({ run: manifestRun(boxRun()) }, { max_submissions: 1 }),
  );
  const result = JSON.parse(new TextDecoder().decode(h.result)) as BoxResult;
  assert.equal(result.status, 'aborted');
  assert.match(result.reason!, /the bus went away/);
  assert.deepEqual(published, h.result, 'the aborted result is published, attested');
  assert.deepEqual(await verify(h), []);
});

test('Sigstore briefly down: attesting is retried within bounds and the box completes', async () => {
  ctx.stack.faults.fulcioUnavailable = 3;
  const lines: string[] = [];
  const h = await hostBox(
    {
      ...boxDeps(ctx.stack, MemoryBus.bidders(1), boxRun()),
      attest: boxAttester(
        { fulcioUrl: ctx.stack.fulcioUrl, rekorUrl: ctx.stack.rekorUrl },
        () => ctx.stack.issuer.mint(boxRun()),
        { firstDelayMs: 10, log: (l) => lines.push(l) },
      ),
    },
    boxConfig({ run: manifestRun(boxRun()) }, { max_submissions: 1 }),
  );
  assert.equal(ctx.stack.faults.fulcioUnavailable, 0);
  assert.equal(h.parsedResult.status, 'complete');
  assert.match(
    lines.join('\n'),
    /attesting manifest\.json failed \(Fulcio at .*\); attempt 2 of 4/,
  );
});

test('Sigstore slow: a few seconds per certificate, and the box still completes in order', async () => {
  ctx.stack.faults.fulcioDelayMs = 2500;
  try {
    const h = await hostBox(
      boxDeps(ctx.stack, MemoryBus.bidders(1), boxRun()),
      boxConfig({ run: manifestRun(boxRun()) }, { max_submissions: 1 }),
    );
    assert.equal(h.parsedResult.status, 'complete');
    assert.deepEqual(
      await verify(h),
      [],
      'the window opened only after the slow attestation, so it verifies',
    );
  } finally {
    ctx.stack.faults.fulcioDelayMs = 0;
  }
});

test('Sigstore down when the result is due: the box fails loudly and publishes nothing unattested', async () => {
  const bus = MemoryBus.bidders(1);
  let published = 0;
  bus.publishResult = async () => {
    published++;
  };
  const comments = bus.comments.bind(bus);
  bus.comments = async () => {
    // The final listing: from now on Fulcio answers 503.
    ctx.stack.faults.fulcioUnavailable = Infinity;
    return comments();
  };
  const waits: number[] = [];
  try {
    await assert.rejects(
      hostBox(
        {
          ...boxDeps(ctx.stack, bus, boxRun()),
          attest: boxAttester(
            { fulcioUrl: ctx.stack.fulcioUrl, rekorUrl: ctx.stack.rekorUrl },
            () => ctx.stack.issuer.mint(boxRun()),
            { firstDelayMs: 10, sleep: async (ms) => void waits.push(ms) },
          ),
        },
        boxConfig({ run: manifestRun(boxRun()) }, { max_submissions: 1 }),
      ),
      { code: 'SERVICE', message: /Fulcio at .*503|Fulcio at /s },
    );
  } finally {
    ctx.stack.faults.fulcioUnavailable = 0;
  }
  assert.deepEqual(waits, [10, 20, 40], 'three waits, doubling, then it gives up');
  assert.equal(published, 0, 'no result without its attestation');
});
