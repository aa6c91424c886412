// `sealbox box verify BOX_DIR [policy]`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SealboxError } from '../errors.ts';
import { DEFAULT_BOX_SIGNER, verifyBox, type Receipt } from '../box/verify.ts';
import { readJsonFile } from '../node/files.ts';
import { NodeSignatureVerifier } from '../node/sigstore-verifier.ts';
import { selectTrustedRoots } from '../node/trusted-roots.ts';
import { policyFromFlags } from '../policy/identity.ts';
import type { PolicyOptions } from './options.ts';
import { printJson, printNotes, type Format } from './output.ts';

export interface BoxVerifyCommandOptions extends PolicyOptions {
  receipt?: string;
  allowSelfHostedRunners?: boolean;
  format: Format;
}

async function bytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SealboxError(
      code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE',
      `box ${path}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'}`,
    );
  }
}

/** A box read from its GitHub issue (GITHUB_API_URL, and GITHUB_TOKEN when the repository is private). */
async function filesFromIssue(address: string) {
  const [repository, issue] = address.split('#') as [string, string];
  const { Octokit } = await import('@octokit/rest');
  const { GitHubIssueBus } = await import('../github/issue-bus.ts');
  const { parseResultComments } = await import('../box/bus.ts');
  const octokit = new Octokit({
    auth: process.env.GITHUB_TOKEN,
    baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
    request: { retries: 0 },
  });
  const bus = new GitHubIssueBus(octokit, repository, Number(issue));
  const a = await bus.announcement().catch((e: Error) => {
    throw new SealboxError('SERVICE', `${address}: ${e.message}`);
  });
  if (!a)
    throw new SealboxError(
      'INPUT_INVALID',
      `${address}: is not a sealbox box (no manifest in the issue)`,
    );
  // The last result posted (whole, or in parts): only the box's attestation makes it count.
  const r = parseResultComments((await bus.comments()).map((c) => c.body));
  if (!r) throw new SealboxError('INPUT_INVALID', `${address}: has no result yet`);
  return {
    manifest: a.manifest,
    manifestBundle: a.manifestBundle,
    result: r.result,
    resultBundle: r.bundle,
  };
}

export async function boxVerifyCommand(dir: string, o: BoxVerifyCommandOptions): Promise<number> {
  if (o.repo === undefined && o.owner === undefined) {
    throw new SealboxError(
      'POLICY_MISSING',
      'box verify needs --repo OWNER/REPO (or --owner): whose box it is',
    );
  }
  const policy = policyFromFlags(o, { defaultSigner: DEFAULT_BOX_SIGNER });
  const { roots, notes } = await selectTrustedRoots(o.trustedRoot);
  const files = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+#\d+$/.test(dir)
    ? await filesFromIssue(dir)
    : {
        manifest: await bytes(join(dir, 'manifest.json')),
        manifestBundle: await readJsonFile(join(dir, 'manifest.sigstore.json'), 'bundle'),
        result: await bytes(join(dir, 'result.json')),
        resultBundle: await readJsonFile(join(dir, 'result.sigstore.json'), 'bundle'),
      };
  const receipt = o.receipt ? ((await readJsonFile(o.receipt, 'receipt')) as Receipt) : undefined;
  const v = await verifyBox(files, {
    policy,
    trustedRoots: roots,
    verifier: new NodeSignatureVerifier(),
    allowSelfHostedRunners: o.allowSelfHostedRunners,
    receipt,
  });
  const allNotes = [...notes, ...v.notes];
  if (o.format === 'json') {
    printJson({
      ok: v.ok,
      box: dir,
      checks: v.checks,
      claims: v.claims ?? null,
      counts: v.result?.counts ?? null,
      output: v.result?.output ?? null,
      notes: allNotes,
    });
  } else {
    printNotes(
      allNotes.map((n) => `note: ${n}`),
      o.format,
    );
    const failedCheck = v.checks.find((c) => !c.ok);
    process.stdout.write(
      `${v.ok ? `OK: box ${v.manifest?.box_id} in ${dir} verified` : `FAIL: box in ${dir}: ${failedCheck?.reason}`}\n`,
    );
    for (const c of v.checks)
      process.stdout.write(
        `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(16)} ${c.ok ? c.reason : `${c.code}: ${c.reason}`}\n`,
      );
  }
  return v.ok ? 0 : 1;
}

// ---------------------------------------------------------------- box host

export interface BoxHostOptions {
  computation: string;
  parameters?: string;
  window: string;
  maxSubmissions: string;
  maxBytes: string;
  onePerAuthor: 'first' | 'last';
  allowedAuthors?: string;
  minParticipants: string;
  suite: 'x-wing' | 'x25519';
  out: string;
  allowSelfHostedRunners?: boolean;
  trustedExec?: boolean;
}

const whole = (v: string, flag: string, min = 0) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new SealboxError('USAGE', `${flag} ${v}: give a whole number of at least ${min}`);
  return n;
};

/** Inside the job: the whole ceremony in one process, configured by the run's environment and flags. */
export async function boxHostCommand(o: BoxHostOptions): Promise<number> {
  const env = process.env;
  const missing = ['GITHUB_REPOSITORY', 'GITHUB_TOKEN', 'GITHUB_RUN_ID', 'GITHUB_SHA'].filter(
    (k) => !env[k],
  );
  if (missing.length)
    throw new SealboxError('USAGE', `box host runs inside the job: ${missing.join(', ')} not set`);
  if (env.RUNNER_ENVIRONMENT !== 'github-hosted' && !o.allowSelfHostedRunners) {
    throw new SealboxError(
      'USAGE',
      `refusing to run a box on a ${env.RUNNER_ENVIRONMENT ?? 'unknown'} runner: its operator controls the machine and the key (--allow-self-hosted-runners to override)`,
    );
  }
  let parameters: Record<string, unknown> = {};
  if (o.parameters) {
    try {
      parameters = JSON.parse(o.parameters);
    } catch {
      throw new SealboxError('USAGE', '--parameters is not JSON');
    }
  }
  const { computation } = await import('../box/compute/index.ts');
  const { runExec, validateExec } = await import('../node/exec-sandbox.ts');
  if (o.computation === 'exec') validateExec(parameters);
  else computation(o.computation, parameters);
  const { hostBox } = await import('../box/host.ts');
  const { GitHubIssueBus } = await import('../github/issue-bus.ts');
  const { boxAttester } = await import('../node/box-attest.ts');
  const { endpointsFrom, identityToken } = await import('../node/signing.ts');
  const { githubFromEnv } = await import('../node/attestation-store.ts');
  const github = githubFromEnv()!;
  const bus = new GitHubIssueBus(github.octokit, github.repository);
  const { randomBytes } = await import('node:crypto');
  const { mkdir, writeFile } = await import('node:fs/promises');
  const hosted = await hostBox(
    {
      bus,
      attest: boxAttester(endpointsFrom({}), () => identityToken(undefined)),
      now: () => new Date(),
      sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)),
      log: (line) => process.stderr.write(`sealbox box: ${line}\n`),
      exec: (inputs, params) =>
        runExec(inputs, params, {
          repository: env.GITHUB_WORKSPACE ?? process.cwd(),
          trusted: o.trustedExec,
          log: (line) => process.stderr.write(`sealbox box: ${line}\n`),
        }),
    },
    {
      boxId: `box-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${randomBytes(4).toString('hex')}`,
      suite: o.suite,
      windowSeconds: whole(o.window, '--window', 1),
      rules: {
        max_submissions: whole(o.maxSubmissions, '--max-submissions', 1),
        max_bytes: whole(o.maxBytes, '--max-bytes', 1),
        one_per_author: o.onePerAuthor,
        allowed_authors: o.allowedAuthors
          ? o.allowedAuthors.split(',').map((x) => whole(x.trim(), '--allowed-authors'))
          : null,
        min_participants: whole(o.minParticipants, '--min-participants'),
      },
      computation: { name: o.computation, parameters },
      run: {
        repository: github.repository,
        workflow_ref: env.GITHUB_WORKFLOW_REF ?? '',
        run_id: env.GITHUB_RUN_ID!,
        run_attempt: env.GITHUB_RUN_ATTEMPT ?? '1',
        sha: env.GITHUB_SHA!,
      },
      pollMs: 2000,
      settleMs: 2000,
    },
  );
  await mkdir(o.out, { recursive: true });
  await writeFile(join(o.out, 'manifest.json'), hosted.manifest);
  await writeFile(
    join(o.out, 'manifest.sigstore.json'),
    JSON.stringify(hosted.manifestBundle) + '\n',
  );
  await writeFile(join(o.out, 'result.json'), hosted.result);
  await writeFile(join(o.out, 'result.sigstore.json'), JSON.stringify(hosted.resultBundle) + '\n');
  process.stdout.write(
    `box ${bus.address}: ${hosted.parsedResult.status}, ${hosted.parsedResult.counts.accepted} accepted; files in ${o.out}\n`,
  );
  return hosted.parsedResult.status === 'complete' ? 0 : 1;
}

// ---------------------------------------------------------------- box submit

export interface BoxSubmitOptions extends PolicyOptions {
  file?: string;
  print?: boolean;
  receiptOut?: string;
}

async function readMessage(file: string | undefined): Promise<string> {
  if (file !== undefined) return (await import('../node/files.ts')).readTextFile(file, 'message');
  if (process.stdin.isTTY)
    throw new SealboxError(
      'USAGE',
      'give the message on standard input or with --file (never as an argument: it would sit in shell history)',
    );
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A participant: check the manifest under the policy, seal, post once, keep a receipt. */
export async function boxSubmitCommand(address: string, o: BoxSubmitOptions): Promise<number> {
  const m = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)#(\d+)$/.exec(address);
  if (!m) throw new SealboxError('USAGE', `${address}: a box is OWNER/REPO#ISSUE`);
  if (o.repo === undefined && o.owner === undefined)
    throw new SealboxError(
      'POLICY_MISSING',
      'box submit needs --repo OWNER/REPO: whose box you expect',
    );
  const policy = policyFromFlags(o, { defaultSigner: DEFAULT_BOX_SIGNER });
  const message = await readMessage(o.file);
  const { githubFromEnv } = await import('../node/attestation-store.ts');
  const github = githubFromEnv({ ...process.env, GITHUB_REPOSITORY: m[1] });
  if (!github)
    throw new SealboxError(
      'NO_IDENTITY',
      'box submit posts as you: set GITHUB_TOKEN (and GITHUB_API_URL for another server)',
    );
  const { GitHubIssueBus } = await import('../github/issue-bus.ts');
  const bus = new GitHubIssueBus(github.octokit, m[1]!, Number(m[2]));
  const announcement = await bus.announcement();
  if (!announcement)
    throw new SealboxError(
      'INPUT_INVALID',
      `${address}: is not a sealbox box (no manifest in the issue)`,
    );
  const { roots } = await selectTrustedRoots(o.trustedRoot);
  const { parseBundle } = await import('../sigstore/bundle.ts');
  const { verifyBundles } = await import('../sigstore/verify-bundle.ts');
  const { sha256Hex, sealSubmission } = await import('../box/submissions.ts');
  const { parseManifest, publicKeyOf } = await import('../box/manifest.ts');
  const digest = await sha256Hex(announcement.manifest);
  const check = await verifyBundles(
    [parseBundle(announcement.manifestBundle, 'manifest bundle')],
    { label: 'manifest.json', digests: { sha256: digest } },
    { kind: 'identity', identity: policy },
    { trustedRoots: roots, verifier: new NodeSignatureVerifier() },
  );
  if (!check.ok)
    throw new SealboxError(
      'INPUT_INVALID',
      `${address}: the manifest's attestation does not satisfy your policy: ${check.checks.find((c) => !c.ok)?.reason}`,
    );
  const manifest = parseManifest(announcement.manifest);
  if (manifest.run.repository.toLowerCase() !== m[1]!.toLowerCase())
    throw new SealboxError(
      'INPUT_INVALID',
      `${address}: the manifest belongs to ${manifest.run.repository}: a foreign box`,
    );
  if (Date.now() >= Date.parse(announcement.closesAt))
    throw new SealboxError(
      'INPUT_INVALID',
      `${address}: the box closed at ${announcement.closesAt}`,
    );
  const wait = Date.parse(announcement.opensAt) - Date.now();
  if (wait > 0) {
    // Posted before opens_at, a submission would be rejected as late.
    process.stderr.write(`sealbox: the box opens at ${announcement.opensAt}; waiting\n`);
    await new Promise((r) => setTimeout(r, wait + 100));
  }
  const me = (await github.octokit.rest.users.getAuthenticated()).data;
  const body = await sealSubmission(manifest, digest, publicKeyOf(manifest), me.id, { message });
  if (o.print) {
    process.stdout.write(`${body}\n`);
    return 0;
  }
  let posted;
  try {
    posted = await bus.post(body);
  } catch (e) {
    // A retry after a timeout finds its own earlier comment instead of posting twice.
    posted = (await bus.comments()).find((c) => c.author_id === me.id && c.body === body);
    if (!posted)
      throw new SealboxError('SERVICE', `${address}: posting failed: ${(e as Error).message}`);
  }
  const { findArmour } = await import('../box/submissions.ts');
  const receipt = {
    box_id: manifest.box_id,
    box: address,
    comment_id: posted.id,
    ciphertext_sha256: await sha256Hex(new TextEncoder().encode(findArmour(body)!)),
    manifest_digest: digest,
    created_at: posted.created_at,
  };
  const out = o.receiptOut ?? `sealbox-receipt-${manifest.box_id}.json`;
  const { writeFile } = await import('node:fs/promises');
  await writeFile(out, JSON.stringify(receipt, null, 2) + '\n');
  process.stdout.write(
    `submitted to ${address} as ${me.login} (comment ${posted.id}); receipt ${out}\n`,
  );
  return 0;
}
