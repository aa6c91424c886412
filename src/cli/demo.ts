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
import type { BoxResult } from '../box/result.ts';
import { sealSubmission } from '../box/sealing.ts';
import { sha256Hex } from '../bytes.ts';
import { BOX_WORKFLOW, DEFAULT_BOX_SIGNER, checkManifest, verifyBox } from '../box/verify.ts';
import { DEFAULT_RUN, type RunIdentity } from '../devstack/identity.ts';
import { DevStack } from '../devstack/stack.ts';
import { SealboxError } from '../errors.ts';
import { GitHubIssueBus } from '../github/issue-bus.ts';
import { boxAttester } from '../node/box-attest.ts';
import { boxKeyPairOnNode } from '../node/native-hpke.ts';
import { SigstoreSignatureVerifier } from '../adapters/sigstore-verifier.ts';
import { policyFromFlags } from '../policy/identity.ts';
import { parseTrustedRootText } from '../sigstore/trusted-root.ts';

export interface DemoOptions {
  out: string;
  state?: string;
  adversarial?: boolean;
  participants?: string;
}

const REPO = 'demo/sealbox';
/** Octokit logs every request it makes (304s included) unless told not to. */
const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const MAX_BYTES = 4096;
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
      // The stack's own release of sealbox's box workflow, as a careful operator pins it.
      jobWorkflowRef: `${BOX_WORKFLOW}@refs/tags/${stack.release.tag}`,
      jobWorkflowSha: stack.release.commit,
      runId,
      actor: 'demo-operator',
    };
    const client = (token: string) =>
      new Octokit({
        auth: token,
        baseUrl: stack.githubApiUrl,
        request: { retries: 0 },
        log: QUIET,
      });
    // The box posts with the job's token, as github-actions[bot].
    const bus = new GitHubIssueBus(client(gh.jobToken(REPO)), REPO);
    say(
      `sealbox demo: a sealed-bid auction, run by a job of ${REPO} (run ${runId}) on a local GitHub and Sigstore (state ${stack.state.dir})`,
    );
    say('');
    for (const line of INTRO) say(line);
    say('');
    const hosting = hostBox(
      {
        bus,
        attest: boxAttester({ fulcioUrl: stack.fulcioUrl, rekorUrl: stack.rekorUrl }, () =>
          stack.issuer.mint(run),
        ),
        now: () => new Date(),
        sleep,
        log: (line) => say(`  box: ${line}`),
        generateKey: boxKeyPairOnNode,
      },
      {
        boxId: `demo-${runId}`,
        suite: 'x-wing',
        windowSeconds: 5,
        rules: {
          max_submissions: 50,
          max_bytes: MAX_BYTES,
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
    const [hosted, stories] = await Promise.all([hosting, bidding]);

    const out = resolve(o.out);
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'manifest.json'), hosted.manifest);
    await writeFile(
      join(out, 'manifest.sigstore.json'),
      JSON.stringify(hosted.manifestBundle) + '\n',
    );
    await writeFile(join(out, 'result.json'), hosted.result);
    await writeFile(join(out, 'result.sigstore.json'), JSON.stringify(hosted.resultBundle) + '\n');

    tellOutcome(hosted.parsedResult, stories, say);

    const trustedRoots = await stackRoots(stack);
    const { selectReleases } = await import('../node/releases.ts');
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
        releases: (await selectReleases(stack.trustedRootPath, trustedRoots)).sources,
      },
    );
    say('');
    say(
      'Anyone can check all of it, offline: both attestations, that one run of the box workflow made them, the close rules, and the outcome recomputed from the revealed bids.',
    );
    say(
      `Checked here: ${
        v.ok
          ? 'all checks pass'
          : `FAILED (${v.checks
              .filter((c) => !c.ok)
              .map((c) => c.name)
              .join(', ')})`
      }.`,
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

const INTRO = [
  'A sealed box is a CI job that holds a private key only in its memory. It publishes',
  "the public key in a manifest that Sigstore attests as that job's, so bidders can",
  'check which workflow and run holds the key before they trust it. Each bidder encrypts',
  'a bid to that key and posts it as a comment on a GitHub issue: everyone sees the',
  'ciphertext, nobody can read it. The operator who started the job cannot either: the',
  'key was made inside the job and is never written anywhere. At the close the box',
  'decrypts the bids, computes the outcome, attests the result and forgets the key.',
];

/** The bids revealed after the close, the outcome explained, and every rejection told. */
function tellOutcome(r: BoxResult, stories: Map<number, string>, say: (l: string) => void): void {
  const outcome = r.output as {
    winner: { author_login: string } | null;
    price: string | null; // decimal strings (result v1.1)
    bids?: { author_login: string; amount: string | null }[];
  };
  say('');
  say('The bids, revealed after the close (until then nobody could read them):');
  for (const b of outcome.bids ?? [])
    say(`  ${b.author_login.padEnd(8)} ${b.amount ?? '(not a number)'}`);
  say(
    'A second-price auction: the highest bid wins and its bidder pays the second-highest bid, so',
  );
  say('no bidder gains by bidding anything but what the item is worth to them.');
  const second = outcome.bids?.find(
    (b) => b.amount === outcome.price && b.author_login !== outcome.winner?.author_login,
  );
  say(
    outcome.winner
      ? `Outcome: ${outcome.winner.author_login} wins and pays ${outcome.price}${second ? ` (${second.author_login}'s bid)` : ''}.`
      : 'Outcome: no valid bid.',
  );
  const rejected = r.submissions.filter((x) => x.status !== 'accepted');
  if (!rejected.length) return;
  say('');
  say("Rejected by the box's rules (anyone verifying the box checks them again):");
  for (const x of rejected)
    say(
      `  ${x.author_login.padEnd(8)} ${x.reason}: ${stories.get(x.comment_id) ?? REASONS[x.reason ?? ''] ?? ''}`,
    );
}

const REASONS: Record<string, string> = {
  undecryptable: 'the ciphertext does not open for its author',
  malformed: 'not a sealed submission',
  too_large: `over the box's limit of ${MAX_BYTES} bytes`,
  edited: 'the comment was edited after it was posted',
  duplicate: "a second submission: the box counts each author's first",
  late: 'posted after the close',
};

/**
 * The participants: honest bidders, and with --adversarial every attack
 * PROTOCOL.md lists. Returns what each attacking comment was, by comment id.
 */
async function participate(
  stack: DevStack,
  runId: number,
  count: number,
  adversarial: boolean,
  hostBus: GitHubIssueBus,
  say: (l: string) => void,
): Promise<Map<number, string>> {
  const stories = new Map<number, string>();
  while (hostBus.issue === undefined) await sleep(50);
  const gh = stack.github;
  const as = (login: string) => {
    const user = gh.user(login);
    const octokit = new Octokit({
      auth: gh.tokenFor(login),
      baseUrl: stack.githubApiUrl,
      request: { retries: 0 },
      log: QUIET,
    });
    return { user, bus: new GitHubIssueBus(octokit, REPO, hostBus.issue), octokit };
  };
  let announcement = await as('observer').bus.announcement();
  while (!announcement) {
    await sleep(50);
    announcement = await as('observer').bus.announcement();
  }
  // Every participant checks the manifest's attestation, and that it is a
  // sealbox release's box workflow, before trusting its key.
  const roots = await stackRoots(stack);
  const { selectReleases } = await import('../node/releases.ts');
  const check = await checkManifest(announcement.manifest, announcement.manifestBundle, {
    policy: policyFromFlags({ repo: REPO }, { defaultSigner: DEFAULT_BOX_SIGNER }),
    trustedRoots: roots,
    verifier: new SigstoreSignatureVerifier(),
    releases: (await selectReleases(stack.trustedRootPath, roots)).sources,
  });
  const refusal = check.verification.ok
    ? check.release.ok
      ? undefined
      : check.release.reason
    : check.verification.checks.find((c) => !c.ok)?.reason;
  if (refusal !== undefined)
    throw new SealboxError('INPUT_INVALID', `participants refuse the box: ${refusal}`);
  say(
    `  bidders: checked the manifest's attestation: its key belongs to run ${runId} of ${BOX_WORKFLOW} (${check.release.reason})`,
  );
  const manifest = parseManifest(announcement.manifest);
  const digest = await sha256Hex(announcement.manifest);
  const key = publicKeyOf(manifest);
  const sealFor = (id: number, bid: number) =>
    sealSubmission(manifest, digest, key, id, { message: String(bid) });
  const wait = Date.parse(announcement.opensAt) - Date.now();
  if (wait > 0) await sleep(wait + 50);

  const honest = NAMES.slice(0, count).map((n) => ({ name: n, ...as(n) }));
  const bodies: string[] = [];
  for (const [i, p] of honest.entries()) {
    const body = await sealFor(p.user.id, 100 + ((i * 37) % 90));
    bodies.push(body);
    await p.bus.post(body);
  }
  say(
    `  bidders: ${honest.map((p) => p.name).join(', ')} sealed their bids to the box's key and posted them (ciphertext only)`,
  );
  if (!adversarial) return stories;

  const mallory = as('mallory');
  const copy = await mallory.bus.post(bodies[0]!);
  stories.set(
    copy.id,
    "a copy of alice's ciphertext re-posted by mallory: each ciphertext is bound to its author's GitHub id, so a copy opens for nobody else",
  );
  const oscar = as('oscar');
  const broken = await oscar.bus.post(
    '-----BEGIN SEALBOX SUBMISSION-----\nthis is not base64 at all!\n-----END SEALBOX SUBMISSION-----',
  );
  stories.set(
    broken.id,
    "oscar's comment has the armour's lines around text that is no ciphertext",
  );
  const trudy = as('trudy');
  const padded = `${await sealFor(trudy.user.id, 500)}\n\n${'padding '.repeat(700)}`;
  const big = await trudy.bus.post(padded);
  stories.set(
    big.id,
    `trudy's bid padded to ${new TextEncoder().encode(padded).length} bytes, over the box's limit of ${MAX_BYTES}`,
  );
  const peggy = as('peggy');
  const edited = await peggy.bus.post(await sealFor(peggy.user.id, 150));
  await sleep(1100); // GitHub's timestamps have whole seconds
  await peggy.octokit.rest.issues.updateComment({
    owner: 'demo',
    repo: 'sealbox',
    comment_id: edited.id,
    body: await sealFor(peggy.user.id, 999),
  });
  stories.set(
    edited.id,
    'peggy replaced her bid of 150 with 999 by editing her comment; an edited comment never counts, so no bid changes once others have seen who bid when',
  );
  if (honest[1]) {
    const again = await honest[1].bus.post(await sealFor(honest[1].user.id, 188));
    stories.set(
      again.id,
      `a second bid from ${honest[1].name}; the box counts each bidder's first bid only`,
    );
  }
  const victor = as('victor');
  const lateBy = Date.parse(announcement.closesAt) - Date.now();
  if (lateBy > 0) await sleep(lateBy + 100);
  const late = await victor.bus.post(await sealFor(victor.user.id, 175));
  stories.set(late.id, 'victor posted his bid after the close');
  say(
    '  attackers: a copied ciphertext, broken armour, an oversized comment, an edited bid, a second bid, a late bid',
  );
  return stories;
}
