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
import { parseReplyDocument, type ReplyDocument } from '../box/reply-document.ts';
import type { Receipt } from '../box/checks/evidence.ts';
import type { LocatedBox } from '../github/box-locator.ts';
import type { Octokit } from '@octokit/rest';
import { readJsonFile, readTextFile } from '../node/files.ts';
import { SigstoreSignatureVerifier } from '../adapters/sigstore-verifier.ts';
import { selectTrustedRoots } from '../node/trusted-roots.ts';
import { selectReleases } from '../node/releases.ts';
import { policyFromFlags } from '../policy/identity.ts';
import type { PolicyOptions } from './options.ts';
import { eventSink, type EventsFormat } from './events.ts';
import { headlineFailure, printJson, printNotes, type Format } from './output.ts';
import { localStackRootHint } from './wrong-root.ts';

/** What --allow-unreleased-box-workflow costs, said wherever it is given. */
export const UNRELEASED_WARNING =
  'warning: --allow-unreleased-box-workflow: a box workflow that is not a sealbox release (a branch, an unlisted commit or tag, a fork) is accepted, and v1 evidence: such code may leak the key or attest anything (development only)';

export interface BoxVerifyCommandOptions extends PolicyOptions {
  receipt?: string;
  /** A reply document a participant revealed: check the result's commitment to it. */
  replyProof?: string;
  showWorkflow?: boolean;
  /** Write the evidence pack (the four files and verify.html) into this directory. */
  export?: string;
  format: Format;
  events?: EventsFormat;
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

/** A box verified from its directory or its issue, with every note for the reader. */
export interface VerifiedBoxAt {
  v: BoxVerification;
  files: BoxFiles;
  located?: LocatedBox;
  octokit?: Octokit;
  /** OWNER/REPO#N, or the directory. */
  where: string;
  notes: string[];
}

/** The policy box verify applies; refused (exit 2) without a repository or owner. */
export function boxPolicy(o: PolicyOptions, command: string) {
  if (o.repo === undefined && o.owner === undefined) {
    throw new SealboxError(
      'POLICY_MISSING',
      `${command} needs --repo OWNER/REPO (or --owner): whose box it is`,
    );
  }
  return policyFromFlags(o, { defaultSigner: DEFAULT_BOX_SIGNER });
}

/** Reads and verifies a box as `box verify` does (the policy required first). */
export async function verifyBoxAt(
  boxText: string,
  o: PolicyOptions,
  command: string,
  extra: { receipt?: Receipt; replyProof?: ReplyDocument } = {},
): Promise<VerifiedBoxAt> {
  const policy = boxPolicy(o, command);
  const { roots, notes } = await selectTrustedRoots(o.trustedRoot);
  const releases = await selectReleases(o.trustedRoot, roots);
  const options = {
    policy,
    trustedRoots: roots,
    verifier: new SigstoreSignatureVerifier(),
    allowSelfHostedRunners: o.allowSelfHostedRunners,
    releases: releases.sources,
    allowUnreleasedBoxWorkflow: o.allowUnreleasedBoxWorkflow,
    ...extra,
  };
  const address = parseBoxAddress(boxText);
  let v: BoxVerification;
  let files: BoxFiles;
  let located: LocatedBox | undefined;
  let octokit: Octokit | undefined;
  const allNotes = [...notes, ...releases.notes];
  if (o.allowUnreleasedBoxWorkflow) allNotes.push(UNRELEASED_WARNING);
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
  return { v, files, located, octokit, where: located?.address ?? boxText, notes: allNotes };
}

/** Notes on stderr as a person reads them. */
export function printBoxNotes(notes: string[], format: Format): void {
  printNotes(
    notes.map((n) => (n.startsWith('hint: ') ? n : `note: ${n}`)),
    format,
  );
}

/** The verdict and every check, as lines. */
export function verdictLines(v: BoxVerification, where: string): string[] {
  const failedCheck = headlineFailure(v.checks);
  return [
    v.ok
      ? `OK: box ${v.manifest?.box_id} in ${where} verified`
      : `FAIL: box in ${where}: ${failedCheck?.reason}`,
    ...v.checks.map(
      (c) =>
        `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(16)} ${c.ok ? c.reason : `${c.code}: ${c.reason}`}`,
    ),
  ];
}

export async function boxVerifyCommand(
  boxText: string,
  o: BoxVerifyCommandOptions,
): Promise<number> {
  const emit = eventSink(o.events);
  boxPolicy(o, 'box verify'); // refused before anything is read
  const pack = o.export === undefined ? undefined : await import('../node/evidence-pack.ts');
  if (pack && o.export !== undefined) await pack.checkExportDir(o.export);
  const receipt = o.receipt
    ? parseReceipt(await readJsonFile(o.receipt, 'receipt'), o.receipt)
    : undefined;
  const replyProof =
    o.replyProof === undefined
      ? undefined
      : parseReplyDocument(await readTextFile(o.replyProof, 'reply document'), o.replyProof);
  const { v, files, octokit, where, notes } = await verifyBoxAt(boxText, o, 'box verify', {
    receipt,
    replyProof,
  });
  if (emit) {
    printBoxNotes(notes, 'text');
    emit({
      event: 'verified',
      box: where,
      ok: v.ok,
      checks: v.checks,
      status: v.result?.status ?? null,
      output: v.result?.output ?? null,
    });
  } else if (o.format === 'json') {
    printJson({
      ok: v.ok,
      box: where,
      checks: v.checks,
      claims: v.claims ?? null,
      counts: v.result?.counts ?? null,
      output: v.result?.output ?? null,
      allow_unreleased_box_workflow: Boolean(o.allowUnreleasedBoxWorkflow),
      notes,
    });
  } else {
    printBoxNotes(notes, o.format);
    process.stdout.write(`${verdictLines(v, where).join('\n')}\n`);
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

export type BoxHostOptions = BoxJobSettings & { events?: EventsFormat };

/** Inside the job: the whole ceremony in one process, configured by the run's environment and flags. */
export async function boxHostCommand(o: BoxHostOptions): Promise<number> {
  const { runBoxJob } = await import('../node/box-job.ts');
  const emit = eventSink(o.events);
  const job = await runBoxJob(
    o,
    process.env,
    (line) => process.stderr.write(`sealbox box: ${line}\n`),
    emit,
  );
  for (const w of job.warnings) process.stderr.write(`sealbox: warning: ${w}\n`);
  if (!emit)
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
  /** false with --no-reply-key: no private reply. */
  replyKey?: boolean;
  replyKeyOut?: string;
  format: Format;
  events?: EventsFormat;
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
  const emit = eventSink(o.events);
  if (emit && o.print)
    throw new SealboxError('USAGE', '--events goes with posting: --print only prints the armour');
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
  const releases = await selectReleases(o.trustedRoot, roots);
  if (o.allowUnreleasedBoxWorkflow) process.stderr.write(`sealbox: ${UNRELEASED_WARNING}\n`);
  const { checkOpenBox, sealFor, receiptFor } = await import('../box/participant.ts');
  const box = await checkOpenBox(
    announcement,
    { ...located, issue },
    {
      policy,
      trustedRoots: roots,
      verifier: new SigstoreSignatureVerifier(),
      releases: releases.sources,
      allowUnreleasedBoxWorkflow: o.allowUnreleasedBoxWorkflow,
    },
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
  emit?.({
    event: 'opened',
    box: address,
    box_id: box.manifest.box_id,
    manifest_digest: box.digest,
    computation: box.manifest.computation.name,
    opens_at: box.opensAt,
    closes_at: box.closesAt,
  });
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
  // A fresh reply key for this submission, kept in its own file (never in the
  // receipt, which people hand to verifiers), written before anything is posted.
  // The default name never overwrites an earlier key (a second submission to
  // the same box gets the next free name); a path given that exists is refused.
  const files = await import('../node/secret-file.ts');
  if (o.replyKeyOut !== undefined && o.replyKey !== false)
    files.refuseExisting(o.replyKeyOut, 'reply key');
  // The receipt likewise: each posted submission keeps its own.
  if (o.receiptOut !== undefined && !o.print && authorId === undefined)
    files.refuseExisting(o.receiptOut, 'receipt');
  const { newReplyKey, replyKeyText } = await import('../box/reply-key.ts');
  const replyKey =
    o.replyKey === false
      ? undefined
      : await newReplyKey(box.manifest.hpke.suite, {
          box_id: box.manifest.box_id,
          manifest_digest: box.digest,
          box: address,
        });
  let keyPath: string | undefined;
  const keyNote = () =>
    keyPath
      ? `your reply key is ${keyPath} (mode 0600): keep it, it alone opens the box's private reply to you ('sealbox box reply ${address} --reply-key ${keyPath}')`
      : undefined;
  const seal = async (id: number) => {
    const body = await sealFor(box, id, message, sign, replyKey?.keyPair.publicKey);
    if (replyKey) {
      const text = replyKeyText(replyKey.file);
      if (o.replyKeyOut !== undefined) {
        await files.writeNewFile(o.replyKeyOut, text, 'reply key', true);
        keyPath = o.replyKeyOut;
      } else
        keyPath = await files.writeNumberedFile(
          `sealbox-reply-key-${box.manifest.box_id}`,
          '.json',
          text,
          'reply key',
          true,
        );
    }
    return body;
  };
  if (authorId !== undefined) {
    process.stdout.write(`${await seal(authorId)}\n`);
    if (keyNote()) process.stderr.write(`sealbox: ${keyNote()}\n`);
    return 0;
  }
  const me = (await github.octokit.rest.users.getAuthenticated()).data;
  const body = await seal(me.id);
  if (o.print) {
    if (o.format === 'json')
      printJson({ ok: true, box: address, armour: body, reply_key_path: keyPath ?? null });
    else {
      process.stdout.write(`${body}\n`);
      if (keyNote()) process.stderr.write(`sealbox: ${keyNote()}\n`);
    }
    return 0;
  }
  let posted;
  try {
    posted = await bus.post(body);
  } catch (e) {
    // A retry after a timeout finds its own earlier comment instead of posting twice.
    posted = (await bus.comments().catch(() => [])).find(
      (c) => c.author_id === me.id && c.body === body,
    );
    if (!posted) {
      // Nothing was posted: the key opens nothing, and a retry makes a new one.
      if (keyPath) await (await import('node:fs/promises')).rm(keyPath, { force: true });
      throw new SealboxError('SERVICE', `${address}: posting failed: ${(e as Error).message}`);
    }
  }
  if (keyPath && replyKey)
    await files.replaceSecretFile(
      keyPath,
      replyKeyText({ ...replyKey.file, comment_id: posted.id }),
      'reply key',
    );
  const receipt = await receiptFor(box, address, body, posted);
  const receiptText = JSON.stringify(receipt, null, 2) + '\n';
  const out =
    o.receiptOut !== undefined
      ? (await files.writeNewFile(o.receiptOut, receiptText, 'receipt', false), o.receiptOut)
      : await files.writeNumberedFile(
          `sealbox-receipt-${box.manifest.box_id}`,
          '.json',
          receiptText,
          'receipt',
          false,
        );
  emit?.({
    event: 'submitted',
    box: address,
    comment_id: posted.id,
    author_login: me.login,
    created_at: posted.created_at,
    receipt_path: out,
    ...(keyPath ? { reply_key_path: keyPath } : {}),
  });
  if (emit) return 0;
  if (o.format === 'json')
    printJson({
      ok: true,
      box: address,
      author: me.login,
      comment_id: posted.id,
      receipt_path: out,
      reply_key_path: keyPath ?? null,
      receipt,
    });
  else
    process.stdout.write(
      `submitted to ${address} as ${me.login} (comment ${posted.id}); receipt ${out}${keyPath ? `; reply key ${keyPath} (keep it secret: it opens your private reply)` : ''}\n`,
    );
  return 0;
}
