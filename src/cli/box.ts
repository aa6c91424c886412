// `sealbox box verify BOX_DIR [policy]`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SealboxError } from '../errors.ts';
import type { BoxJobSettings } from '../node/box-job.ts';
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

export type BoxHostOptions = BoxJobSettings;

/** Inside the job: the whole ceremony in one process, configured by the run's environment and flags. */
export async function boxHostCommand(o: BoxHostOptions): Promise<number> {
  const { runBoxJob } = await import('../node/box-job.ts');
  const job = await runBoxJob(o, process.env, (line) =>
    process.stderr.write(`sealbox box: ${line}\n`),
  );
  for (const w of job.warnings) process.stderr.write(`sealbox: warning: ${w}\n`);
  process.stdout.write(
    `box ${job.box}: ${job.result.status}, ${job.result.counts.accepted} accepted; files in ${o.out}\n`,
  );
  return job.result.status === 'complete' ? 0 : 1;
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
