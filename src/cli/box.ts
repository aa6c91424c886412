// `sealbox box verify BOX_DIR [policy]`.
import { join } from 'node:path';
import { BUNDLE_BOUNDS } from '../box/bus.ts';
import { MANIFEST_BOUNDS, RESULT_BOUNDS } from '../box/document.ts';
import { SealboxError } from '../errors.ts';
import { githubClientFromEnv } from '../node/github-client.ts';
import type { BoxJobSettings } from '../node/box-job.ts';
import { parseBoxAddress } from '../box/address.ts';
import {
  DEFAULT_BOX_SIGNER,
  verifyBox,
  type BoxFiles,
  type BoxVerification,
} from '../box/verify.ts';
import { parseReceipt } from '../box/participant.ts';
import type { LocatedBox } from '../github/box-locator.ts';
import type { Octokit } from '@octokit/rest';
import { readJsonFile } from '../node/files.ts';
import { SigstoreSignatureVerifier } from '../adapters/sigstore-verifier.ts';
import { selectTrustedRoots } from '../node/trusted-roots.ts';
import { policyFromFlags } from '../policy/identity.ts';
import type { PolicyOptions } from './options.ts';
import { headlineFailure, printJson, printNotes, type Format } from './output.ts';
import { localStackRootHint } from './wrong-root.ts';

export interface BoxVerifyCommandOptions extends PolicyOptions {
  receipt?: string;
  showWorkflow?: boolean;
  /** Write the evidence pack (the four files and verify.html) into this directory. */
  export?: string;
  format: Format;
}

/**
 * A box's four files from a directory, each a regular file read within the
 * spec's bounds (docs/spec/sealed-box-v1.1.md, "Reading a box"): evidence
 * handed to a verifier may be anything.
 */
async function boxFilesInDir(dir: string): Promise<BoxFiles> {
  const { readBoundedFile, readJsonFile } = await import('../node/files.ts');
  return {
    manifest: await readBoundedFile(join(dir, 'manifest.json'), 'box', MANIFEST_BOUNDS.maxLength),
    manifestBundle: await readJsonFile(
      join(dir, 'manifest.sigstore.json'),
      'bundle',
      BUNDLE_BOUNDS.maxLength,
    ),
    result: await readBoundedFile(join(dir, 'result.json'), 'box', RESULT_BOUNDS.maxLength),
    resultBundle: await readJsonFile(
      join(dir, 'result.sigstore.json'),
      'bundle',
      BUNDLE_BOUNDS.maxLength,
    ),
  };
}

export async function boxVerifyCommand(
  boxText: string,
  o: BoxVerifyCommandOptions,
): Promise<number> {
  if (o.repo === undefined && o.owner === undefined) {
    throw new SealboxError(
      'POLICY_MISSING',
      'box verify needs --repo OWNER/REPO (or --owner): whose box it is',
    );
  }
  const policy = policyFromFlags(o, { defaultSigner: DEFAULT_BOX_SIGNER });
  const pack = o.export === undefined ? undefined : await import('../node/evidence-pack.ts');
  if (pack && o.export !== undefined) await pack.checkExportDir(o.export);
  const { roots, notes } = await selectTrustedRoots(o.trustedRoot);
  const receipt = o.receipt
    ? parseReceipt(await readJsonFile(o.receipt, 'receipt'), o.receipt)
    : undefined;
  const options = {
    policy,
    trustedRoots: roots,
    verifier: new SigstoreSignatureVerifier(),
    allowSelfHostedRunners: o.allowSelfHostedRunners,
    allowUnreleasedBoxWorkflow: o.allowUnreleasedBoxWorkflow,
    receipt,
  };
  const address = parseBoxAddress(boxText);
  let v: BoxVerification;
  let files: BoxFiles;
  let located: LocatedBox | undefined;
  let octokit: Octokit | undefined;
  const allNotes = [...notes];
  if (o.allowUnreleasedBoxWorkflow)
    allNotes.push(
      'warning: --allow-unreleased-box-workflow: evidence that a released box workflow did not make is accepted (development only)',
    );
  if (address.kind === 'dir') {
    files = await boxFilesInDir(address.path);
    v = await verifyBox(files, options);
  } else {
    const { verifyBoxOnGitHub } = await import('../github/box-locator.ts');
    octokit = githubClientFromEnv();
    const r = await verifyBoxOnGitHub(octokit, address, options);
    ({ verification: v, files, located } = r);
    allNotes.push(...r.notes);
  }
  allNotes.push(...v.notes);
  const hint = localStackRootHint(
    [files.manifestBundle, files.resultBundle],
    v.checks.some((c) => !c.ok && (c.name === 'manifest_bundle' || c.name === 'result_bundle')),
    o.trustedRoot,
  );
  if (hint) allNotes.push(hint);
  if (address.kind === 'dir' && o.trustedRoot) {
    const { relative, resolve, isAbsolute } = await import('node:path');
    const inside = relative(resolve(address.path), resolve(o.trustedRoot));
    if (!inside.startsWith('..') && !isAbsolute(inside))
      allNotes.push(
        `warning: the trusted root ${o.trustedRoot} is inside the evidence directory ${address.path}: whoever supplied the evidence chose whom you trust; use a root you obtained yourself`,
      );
  }
  const where = located?.address ?? boxText;
  if (o.format === 'json') {
    printJson({
      ok: v.ok,
      box: where,
      checks: v.checks,
      claims: v.claims ?? null,
      counts: v.result?.counts ?? null,
      output: v.result?.output ?? null,
      allow_unreleased_box_workflow: Boolean(o.allowUnreleasedBoxWorkflow),
      notes: allNotes,
    });
  } else {
    printNotes(
      allNotes.map((n) => (n.startsWith('hint: ') ? n : `note: ${n}`)),
      o.format,
    );
    const failedCheck = headlineFailure(v.checks);
    process.stdout.write(
      `${v.ok ? `OK: box ${v.manifest?.box_id} in ${where} verified` : `FAIL: box in ${where}: ${failedCheck?.reason}`}\n`,
    );
    for (const c of v.checks)
      process.stdout.write(
        `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(16)} ${c.ok ? c.reason : `${c.code}: ${c.reason}`}\n`,
      );
  }
  if (pack && o.export !== undefined) {
    await pack.writeEvidencePack(o.export, files);
    process.stderr.write(
      `sealbox: evidence pack in ${o.export}: ${pack.PACK_FILES.join(', ')} (open verify.html in a browser and choose the four files)\n`,
    );
  }
  if (o.showWorkflow) {
    const { showWorkflows } = await import('./show-workflow.ts');
    await showWorkflows(v.claims, octokit ?? githubClientFromEnv());
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
  signWith?: string;
  /** With print: the numeric id of the account that will post the armour (no token needed). */
  authorId?: string;
  receiptOut?: string;
  format: Format;
}

function parseAuthorId(value: string): number {
  const id = /^[1-9]\d{0,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id))
    throw new SealboxError('USAGE', `--author-id ${value}: give a numeric GitHub user id`);
  return id;
}

async function readMessage(file: string | undefined): Promise<string> {
  const { readStdin, readTextFile, utf8 } = await import('../node/files.ts');
  // Strict UTF-8 either way: a message is sealed exactly as given, never repaired.
  if (file !== undefined) return readTextFile(file, 'message');
  if (process.stdin.isTTY)
    throw new SealboxError(
      'USAGE',
      'give the message on standard input or with --file (never as an argument: it would sit in shell history)',
    );
  return utf8(await readStdin('message'), 'message', '-');
}

/** A participant: check the manifest under the policy, seal, post once, keep a receipt. */
export async function boxSubmitCommand(address: string, o: BoxSubmitOptions): Promise<number> {
  const parsed = parseBoxAddress(address);
  if (parsed.kind === 'dir')
    throw new SealboxError(
      'USAGE',
      `${address}: a box to submit to is OWNER/REPO#ISSUE, or an issue or run URL`,
    );
  if (o.repo === undefined && o.owner === undefined)
    throw new SealboxError(
      'POLICY_MISSING',
      'box submit needs --repo OWNER/REPO: whose box you expect',
    );
  const authorId = o.authorId === undefined ? undefined : parseAuthorId(o.authorId);
  if (authorId !== undefined && !o.print)
    throw new SealboxError(
      'USAGE',
      "--author-id goes with --print: a posted submission's author is the token's user",
    );
  // The runner rule box verify applies, checked on the manifest before anything is sealed.
  const policy = policyFromFlags(
    { ...o, denySelfHostedRunners: !o.allowSelfHostedRunners },
    { defaultSigner: DEFAULT_BOX_SIGNER },
  );
  const message = await readMessage(o.file);
  const { githubFromEnv } = await import('../node/attestation-store.ts');
  // Printing for a given author reads only public data: a token is used if set, never needed.
  const github =
    authorId !== undefined
      ? { octokit: githubClientFromEnv() }
      : githubFromEnv({ ...process.env, GITHUB_REPOSITORY: parsed.repository });
  if (!github)
    throw new SealboxError(
      'NO_IDENTITY',
      'box submit posts as you: set GITHUB_TOKEN (and GITHUB_API_URL for another server)',
    );
  const { locateBox, readIssue } = await import('../github/box-locator.ts');
  const located = await locateBox(github.octokit, parsed);
  const bus = located.bus;
  address = located.address;
  const { announcement, issue } = await readIssue(located);
  const { roots } = await selectTrustedRoots(o.trustedRoot);
  const { checkOpenBox, sealFor, receiptFor } = await import('../box/participant.ts');
  const box = await checkOpenBox(
    announcement,
    { ...located, issue },
    { policy, trustedRoots: roots, verifier: new SigstoreSignatureVerifier() },
    new Date(),
  );
  // A participant hears what the manifest allows before sealing to it (an exec command with network).
  for (const w of (await import('../box/warnings.ts')).manifestWarnings(box.manifest))
    process.stderr.write(`sealbox: ${w}\n`);
  const wait = Date.parse(box.opensAt) - Date.now();
  if (wait > 0) {
    // Posted before opens_at, a submission would be rejected as late.
    process.stderr.write(`sealbox: the box opens at ${box.opensAt}; waiting\n`);
    await new Promise((r) => setTimeout(r, wait + 100));
  }
  const signWith = o.signWith;
  const sign = signWith
    ? async (data: Uint8Array) =>
        (
          await (
            await import('../node/ssh-sign.ts')
          ).signWithSshKey(signWith, data, {
            interactive: Boolean(process.stderr.isTTY),
            onNotice: (line) => process.stderr.write(`sealbox: ${line}\n`),
          })
        ).armoured
    : undefined;
  if (authorId !== undefined) {
    process.stdout.write(`${await sealFor(box, authorId, message, sign)}\n`);
    return 0;
  }
  const me = (await github.octokit.rest.users.getAuthenticated()).data;
  const body = await sealFor(box, me.id, message, sign);
  if (o.print) {
    if (o.format === 'json') printJson({ ok: true, box: address, armour: body });
    else process.stdout.write(`${body}\n`);
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
  const receipt = await receiptFor(box, address, body, posted);
  const out = o.receiptOut ?? `sealbox-receipt-${box.manifest.box_id}.json`;
  const { writeFile } = await import('node:fs/promises');
  await writeFile(out, JSON.stringify(receipt, null, 2) + '\n');
  if (o.format === 'json')
    printJson({
      ok: true,
      box: address,
      author: me.login,
      comment_id: posted.id,
      receipt_path: out,
      receipt,
    });
  else
    process.stdout.write(
      `submitted to ${address} as ${me.login} (comment ${posted.id}); receipt ${out}\n`,
    );
  return 0;
}
