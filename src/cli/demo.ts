// `sealbox demo`: a whole sealed-box auction on the local stack, in seconds.
// The box runs as a simulated job of sealbox's reusable workflow for the
// operator repository demo/sealbox (so its certificates look like a real
// box's), participants bid through the GitHub-issue bus, and the output is
// verified as anyone would verify it.
import { randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Octokit } from '@octokit/rest';
import { parseManifest, publicKeyOf } from '../box/manifest.ts';
import { hostBox } from '../box/host.ts';
import { sealSubmission } from '../box/sealing.ts';
import { sha256Hex } from '../bytes.ts';
import { BOX_WORKFLOW, DEFAULT_BOX_SIGNER, verifyBox } from '../box/verify.ts';
import { DEFAULT_RUN, type RunIdentity } from '../devstack/identity.ts';
import { DevStack } from '../devstack/stack.ts';
import { SealboxError } from '../errors.ts';
import { GitHubIssueBus } from '../github/issue-bus.ts';
import { boxAttester } from '../node/box-attest.ts';
import { SigstoreSignatureVerifier } from '../adapters/sigstore-verifier.ts';
import { policyFromFlags } from '../policy/identity.ts';
import { parseBundle } from '../sigstore/bundle.ts';
import { parseTrustedRootText } from '../sigstore/trusted-root.ts';
import { verifyBundles } from '../sigstore/verify-bundle.ts';

export interface DemoOptions {
  out: string;
  state?: string;
  adversarial?: boolean;
  participants?: string;
}

const REPO = 'demo/sealbox';
const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function demoCommand(o: DemoOptions): Promise<number> {
  const count = o.participants === undefined ? 3 : Number(o.participants);
  if (!Number.isInteger(count) || count < 1 || count > NAMES.length)
    throw new SealboxError('USAGE', `--participants ${o.participants}: give 1 to ${NAMES.length}`);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const stack = await DevStack.start({ stateDir: o.state });
  try {
    const gh = stack.github;
    const runId = randomInt(1_000_000, 9_999_999);
    const run: RunIdentity = {
      ...DEFAULT_RUN,
      repository: REPO,
      workflowPath: '.github/workflows/auction.yml',
      workflowName: 'Sealed-bid auction',
      jobWorkflowRef: `${BOX_WORKFLOW}@refs/heads/main`,
      runId,
      actor: 'demo-operator',
    };
    const client = (token: string) =>
      new Octokit({ auth: token, baseUrl: stack.githubApiUrl, request: { retries: 0 } });
    // The box posts with the job's token, as github-actions[bot].
    const bus = new GitHubIssueBus(client(gh.jobToken(REPO)), REPO);
    say(
      `sealbox demo: a sealed-bid auction for ${REPO}, run ${runId}, on the local stack (state ${stack.state.dir})`,
    );
    const hosting = hostBox(
      {
        bus,
        attest: boxAttester({ fulcioUrl: stack.fulcioUrl, rekorUrl: stack.rekorUrl }, () =>
          stack.issuer.mint(run),
        ),
        now: () => new Date(),
        sleep,
        log: (line) => say(`  box: ${line}`),
      },
      {
        boxId: `demo-${runId}`,
        suite: 'x-wing',
        windowSeconds: 5,
        rules: {
          max_submissions: 50,
          max_bytes: 4096,
          one_per_author: 'first',
          allowed_authors: null,
          min_participants: 2,
        },
        computation: { name: 'auction', parameters: { type: 'second-price', reveal_bids: true } },
        run: {
          repository: REPO,
          workflow_ref: `${REPO}/${run.workflowPath}@${run.ref}`,
          run_id: String(runId),
          run_attempt: '1',
          sha: run.sha,
        },
        pollMs: 400,
        settleMs: 1200,
      },
    );
    const bidding = participate(stack, runId, count, Boolean(o.adversarial), bus, say);
    const [hosted] = await Promise.all([hosting, bidding]);

    const out = resolve(o.out);
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'manifest.json'), hosted.manifest);
    await writeFile(
      join(out, 'manifest.sigstore.json'),
      JSON.stringify(hosted.manifestBundle) + '\n',
    );
    await writeFile(join(out, 'result.json'), hosted.result);
    await writeFile(join(out, 'result.sigstore.json'), JSON.stringify(hosted.resultBundle) + '\n');

    const r = hosted.parsedResult;
    say('');
    say('submissions:');
    for (const s of r.submissions)
      say(
        `  ${s.author_login.padEnd(8)} comment ${s.comment_id}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`,
      );
    const outcome = r.output as { winner: { author_login: string } | null; price: number | null };
    say(
      `outcome: ${outcome.winner ? `${outcome.winner.author_login} wins at ${outcome.price} (second price)` : 'no valid bid'}`,
    );

    const trustedRoots = await stackRoots(stack);
    const v = await verifyBox(
      {
        manifest: hosted.manifest,
        manifestBundle: hosted.manifestBundle,
        result: hosted.result,
        resultBundle: hosted.resultBundle,
      },
      {
        policy: policyFromFlags({ repo: REPO }, { defaultSigner: DEFAULT_BOX_SIGNER }),
        trustedRoots,
        verifier: new SigstoreSignatureVerifier(),
      },
    );
    say(
      `verified here: ${
        v.ok
          ? 'yes'
          : `NO (${v.checks
              .filter((c) => !c.ok)
              .map((c) => c.name)
              .join(', ')})`
      }`,
    );
    say('');
    say(
      `wrote ${join(out, 'manifest.json')}, manifest.sigstore.json, result.json, result.sigstore.json`,
    );
    say('verify it yourself:');
    say(`  npx sealbox box verify ${o.out} --trusted-root ${stack.trustedRootPath} --repo ${REPO}`);
    return v.ok ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

/** The stack's own trusted root: the one the demo's bundles verify against. */
async function stackRoots(stack: DevStack) {
  return parseTrustedRootText(await readFile(stack.trustedRootPath, 'utf8'), stack.trustedRootPath);
}

/** The participants: honest bidders, and with --adversarial every attack PROTOCOL.md lists. */
async function participate(
  stack: DevStack,
  runId: number,
  count: number,
  adversarial: boolean,
  hostBus: GitHubIssueBus,
  say: (l: string) => void,
): Promise<void> {
  while (hostBus.issue === undefined) await sleep(50);
  const gh = stack.github;
  const as = (login: string) => {
    const user = gh.user(login);
    const octokit = new Octokit({
      auth: gh.tokenFor(login),
      baseUrl: stack.githubApiUrl,
      request: { retries: 0 },
    });
    return { user, bus: new GitHubIssueBus(octokit, REPO, hostBus.issue), octokit };
  };
  let announcement = await as('observer').bus.announcement();
  while (!announcement) {
    await sleep(50);
    announcement = await as('observer').bus.announcement();
  }
  // Every participant checks the manifest's attestation before trusting its key.
  const roots = await stackRoots(stack);
  const check = await verifyBundles(
    [parseBundle(announcement.manifestBundle, 'manifest bundle')],
    { label: 'manifest.json', digests: { sha256: await sha256Hex(announcement.manifest) } },
    {
      kind: 'identity',
      identity: policyFromFlags({ repo: REPO }, { defaultSigner: DEFAULT_BOX_SIGNER }),
    },
    { trustedRoots: roots, verifier: new SigstoreSignatureVerifier() },
  );
  if (!check.ok)
    throw new SealboxError(
      'INPUT_INVALID',
      `participants refuse the box: ${check.checks.find((c) => !c.ok)?.reason}`,
    );
  say(`  participants: the manifest's attestation checks out (run ${runId}, ${BOX_WORKFLOW})`);
  const manifest = parseManifest(announcement.manifest);
  const digest = await sha256Hex(announcement.manifest);
  const key = publicKeyOf(manifest);
  const sealFor = (id: number, bid: number) =>
    sealSubmission(manifest, digest, key, id, { message: String(bid) });
  const wait = Date.parse(announcement.opensAt) - Date.now();
  if (wait > 0) await sleep(wait + 50);

  const honest = NAMES.slice(0, count).map((n) => as(n));
  const bodies: string[] = [];
  for (const [i, p] of honest.entries()) {
    const body = await sealFor(p.user.id, 100 + ((i * 37) % 90));
    bodies.push(body);
    await p.bus.post(body);
  }
  say(`  participants: ${count} sealed bids posted`);
  if (!adversarial) return;

  const mallory = as('mallory');
  await mallory.bus.post(bodies[0]!); // copies alice's ciphertext: undecryptable under mallory's id
  const oscar = as('oscar');
  await oscar.bus.post(
    '-----BEGIN SEALBOX SUBMISSION-----\nthis is not base64 at all!\n-----END SEALBOX SUBMISSION-----',
  );
  const trudy = as('trudy');
  await trudy.bus.post(`${await sealFor(trudy.user.id, 500)}\n\n${'padding '.repeat(700)}`);
  const peggy = as('peggy');
  const edited = await peggy.bus.post(await sealFor(peggy.user.id, 150));
  await sleep(1100); // GitHub's timestamps have whole seconds
  await peggy.octokit.rest.issues.updateComment({
    owner: 'demo',
    repo: 'sealbox',
    comment_id: edited.id,
    body: await sealFor(peggy.user.id, 999),
  });
  if (honest[1]) await honest[1].bus.post(await sealFor(honest[1].user.id, 188)); // a second bid: duplicate
  const victor = as('victor');
  const lateBy = Date.parse(announcement.closesAt) - Date.now();
  if (lateBy > 0) await sleep(lateBy + 100);
  await victor.bus.post(await sealFor(victor.user.id, 175)); // after the close: late
  say(
    '  participants: the adversaries posted (copycat, broken armour, oversized, edited, duplicate, late)',
  );
}
