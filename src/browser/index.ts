// The browser's entry to sealbox's core: the same protocol, policy, envelope
// and Sigstore code as the CLI, over src/browser's stand-ins for the few Node
// built-ins Sigstore's libraries call. The web page (web/) calls only this.
//
// Trust comes from Settings, which the page builds from the user's own
// choices: the embedded public-good root and api.github.com unless developer
// mode names others. Nothing here reads a URL or evidence to decide whom to
// trust.
import './globals.ts';
import type { Octokit } from '@octokit/rest';
import { SigstoreSignatureVerifier } from '../adapters/sigstore-verifier.ts';
import { verifyBundle, type VerifyPolicy } from '../adapters/verify-bundle.ts';
import type { VerificationResult } from '../sigstore/verify-bundle.ts';
import { parseBoxAddress } from '../box/address.ts';
import { checkOpenBox, receiptFor, sealFor, type OpenBox } from '../box/participant.ts';
import {
  DEFAULT_BOX_SIGNER,
  verifyBox,
  type BoxFiles,
  type BoxVerification,
  type Receipt,
} from '../box/verify.ts';
import { readReply, type ReplyReading } from '../box/reply-reader.ts';
import { replyDocumentText, type ReplyDocument } from '../box/reply-document.ts';
import { newReplyKey, parseReplyKey, replyKeyText, type ReplyKey } from '../box/reply-key.ts';
import { parseEnvelope } from '../envelope/envelope.ts';
import { builtinPolicy, BUILTIN_POLICIES, identityPolicyOf } from '../envelope/trust-policy.ts';
import { hasTrustDecision, verifyEnvelope, type EnvelopeVerification } from '../envelope/verify.ts';
import { SealboxError } from '../errors.ts';
import { locateBox, readIssue, verifyBoxOnGitHub, type LocatedBox } from '../github/box-locator.ts';
import { GitHubIssueBus } from '../github/issue-bus.ts';
import { githubClient } from '../github/client.ts';
import {
  GITHUB_ACTIONS_ISSUER,
  emailNeedsIssuer,
  isEmailIdentity,
  policyFromFlags,
  type IdentityPolicy,
  type PolicyFlags,
} from '../policy/identity.ts';
import {
  EMBEDDED_ROOT_DATE,
  ROOT_MAX_AGE_DAYS,
  embeddedTrustedRoot,
} from '../sigstore/embedded-root.ts';
import { parseTrustedRootText, type LoadedTrustedRoot } from '../sigstore/trusted-root.ts';
import { parseReleaseList, scopeLocalReleases, type ReleaseSource } from '../box/releases.ts';
// The release list of the package this page was built from (its release wrote it).
import shippedList from '../../releases.json' with { type: 'json' };

export { toArtifact, verifyBundle } from '../adapters/verify-bundle.ts';
export { bundleFacts, claimFacts } from '../sigstore/facts.ts';
export { BUILTIN_POLICIES, EMBEDDED_ROOT_DATE, GITHUB_ACTIONS_ISSUER };
export type { BoxVerification, EnvelopeVerification, OpenBox, PolicyFlags, Receipt };
export type { ReplyDocument, ReplyReading };
export type { VerificationResult, VerifyPolicy };

export const PUBLIC_API = 'https://api.github.com';

/** `verify-bundle` under the page's roots (parsed once per settings). */
export function verifyBundleWith(
  s: Settings,
  bundle: string,
  artifactOrDigest: Uint8Array | string,
  policy: VerifyPolicy,
  bundleLabel: string,
  o: { predicateType?: string } = {},
): Promise<VerificationResult> {
  return verifyBundle(bundle, artifactOrDigest, policy, {
    trustedRoots: trustedRoots(s),
    bundleLabel,
    predicateType: o.predicateType,
  });
}

/** Whom the page trusts. Changed only in developer mode, which the page shows on every screen. */
export interface Settings {
  apiUrl: string;
  /** A trusted root the user chose (JSON, or JSON Lines of several); else the embedded one. */
  trustedRoot?: { label: string; text: string };
  /**
   * A local stack's release list (its STATE/releases.json): it speaks only
   * for certificates of the chosen root's CA, when that is the stack's own.
   */
  releases?: { label: string; text: string };
  /** Accept sealbox's box workflow at a ref that is no release (development only). */
  allowUnreleasedBoxWorkflow?: boolean;
}

export const DEFAULT_SETTINGS: Settings = { apiUrl: PUBLIC_API };

export function isDeveloperMode(s: Settings): boolean {
  return (
    s.apiUrl !== PUBLIC_API ||
    s.trustedRoot !== undefined ||
    s.releases !== undefined ||
    Boolean(s.allowUnreleasedBoxWorkflow)
  );
}

/** What accepting unreleased box workflows costs, shown beside every box verdict it touches. */
export const UNRELEASED_WARNING =
  'warning: unreleased box workflows are accepted (developer mode): a box workflow that is not a sealbox release (a branch, an unlisted commit or tag, a fork) may leak the key or attest anything';

const shipped: ReleaseSource = {
  label: "this page's release list",
  list: parseReleaseList(shippedList, "this page's release list"),
};
const releaseSourcesOf = new WeakMap<
  Settings,
  Promise<{ sources: ReleaseSource[]; notes: string[] }>
>();

/**
 * The release lists box verdicts use: the one this page was built with, and
 * in developer mode a local stack's, for its own CA only. Refuses a list that
 * does not parse.
 */
export function releaseSources(
  s: Settings,
): Promise<{ sources: ReleaseSource[]; notes: string[] }> {
  let found = releaseSourcesOf.get(s);
  if (!found) {
    found = (async () => {
      if (!s.releases) return { sources: [shipped], notes: [] };
      let doc: unknown;
      try {
        doc = JSON.parse(s.releases.text);
      } catch {
        throw new SealboxError('INPUT_INVALID', `release list ${s.releases.label}: is not JSON`);
      }
      const local = await scopeLocalReleases(
        parseReleaseList(doc, s.releases.label),
        s.releases.label,
        trustedRoots(s),
        embeddedTrustedRoot(),
      );
      return 'ignored' in local
        ? { sources: [shipped], notes: [local.ignored] }
        : {
            sources: [shipped, local.source],
            notes: [`${s.releases.label}: a local stack's releases, for its own CA only`],
          };
    })();
    releaseSourcesOf.set(s, found);
  }
  return found;
}

/** The notes the release settings add to a box verdict. */
async function releaseNotes(s: Settings): Promise<string[]> {
  return [
    ...(await releaseSources(s)).notes,
    ...(s.allowUnreleasedBoxWorkflow ? [UNRELEASED_WARNING] : []),
  ];
}

/** A warning when the embedded root is older than the CLI accepts without one, else undefined. */
export function embeddedRootWarning(now: Date): string | undefined {
  const days = Math.floor((now.getTime() - Date.parse(EMBEDDED_ROOT_DATE)) / 86_400_000);
  return days > ROOT_MAX_AGE_DAYS
    ? `the embedded trusted root is ${days} days old (over ${ROOT_MAX_AGE_DAYS}): Sigstore may have rotated keys since; use a newer build of this page, or choose a root you obtained yourself in developer mode`
    : undefined;
}

// Settings are replaced, never changed: their roots are parsed once, so the
// verifier's trust material (every key parsed) is built once per choice too.
const loaded = new WeakMap<Settings, LoadedTrustedRoot[]>();

export function trustedRoots(s: Settings): LoadedTrustedRoot[] {
  let roots = loaded.get(s);
  if (!roots) {
    roots = s.trustedRoot
      ? parseTrustedRootText(s.trustedRoot.text, s.trustedRoot.label)
      : [embeddedTrustedRoot()];
    loaded.set(s, roots);
  }
  return roots;
}

function client(s: Settings, token?: string): Octokit {
  // A rate limit longer than a few seconds is reported, not waited out behind a spinner.
  return githubClient(token, s.apiUrl, { retries: 2, maxWaitSeconds: 5 }) as unknown as Octokit;
}

/** `box verify`'s policy: whose box (repository or owner), signed by sealbox's box workflow unless said otherwise. */
export function boxPolicy(flags: PolicyFlags): IdentityPolicy {
  if (!flags.repo && !flags.owner)
    throw new SealboxError(
      'POLICY_MISSING',
      'name whose box it is: the repository (OWNER/REPO) or the owner',
    );
  return policyFromFlags(flags, { defaultSigner: DEFAULT_BOX_SIGNER });
}

function onlineAddress(text: string) {
  const address = parseBoxAddress(text);
  if (address.kind === 'dir')
    throw new SealboxError(
      'USAGE',
      `${text.trim() || '(empty)'}: a box is OWNER/REPO#ISSUE or an issue or run URL (or drop its four files)`,
    );
  return address;
}

export interface BoxCheckOptions {
  allowSelfHostedRunners?: boolean;
  receipt?: Receipt;
}

export interface BoxReport {
  /** Where the box was read: OWNER/REPO#N, or "dropped files". */
  where: string;
  verification: BoxVerification;
}

async function verifyBoxWith(
  files: BoxFiles,
  policy: IdentityPolicy,
  s: Settings,
  o: BoxCheckOptions,
): Promise<BoxVerification> {
  const v = await verifyBox(files, {
    policy,
    trustedRoots: trustedRoots(s),
    verifier: new SigstoreSignatureVerifier(),
    allowSelfHostedRunners: o.allowSelfHostedRunners,
    releases: (await releaseSources(s)).sources,
    allowUnreleasedBoxWorkflow: s.allowUnreleasedBoxWorkflow,
    receipt: o.receipt,
  });
  return { ...v, notes: [...(await releaseNotes(s)), ...v.notes] };
}

/** A box from its issue or run, read through the GitHub API (no token: public repositories). */
export async function verifyBoxAt(
  addressText: string,
  flags: PolicyFlags,
  s: Settings,
  o: BoxCheckOptions = {},
): Promise<BoxReport> {
  const policy = boxPolicy(flags); // a missing policy is refused before any request
  const r = await verifyBoxOnGitHub(client(s), onlineAddress(addressText), {
    policy,
    trustedRoots: trustedRoots(s),
    verifier: new SigstoreSignatureVerifier(),
    allowSelfHostedRunners: o.allowSelfHostedRunners,
    releases: (await releaseSources(s)).sources,
    allowUnreleasedBoxWorkflow: s.allowUnreleasedBoxWorkflow,
    receipt: o.receipt,
  });
  return {
    where: r.located.address,
    verification: {
      ...r.verification,
      notes: [...(await releaseNotes(s)), ...r.verification.notes, ...r.notes],
    },
  };
}

export const BOX_FILE_NAMES = [
  'manifest.json',
  'manifest.sigstore.json',
  'result.json',
  'result.sigstore.json',
] as const;

function json(bytes: Uint8Array, name: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new SealboxError('INPUT_INVALID', `${name}: is not JSON`);
  }
}

/** A box from its four files (as `box host --out` writes them), picked by name. */
export async function verifyBoxFiles(
  dropped: { name: string; bytes: Uint8Array }[],
  flags: PolicyFlags,
  s: Settings,
  o: BoxCheckOptions = {},
): Promise<BoxReport> {
  const policy = boxPolicy(flags);
  const byName = new Map(dropped.map((f) => [f.name, f.bytes]));
  const missing = BOX_FILE_NAMES.filter((n) => !byName.has(n));
  if (missing.length)
    throw new SealboxError('INPUT_NOT_FOUND', `the box's files: missing ${missing.join(', ')}`);
  const files: BoxFiles = {
    manifest: byName.get('manifest.json')!,
    manifestBundle: json(byName.get('manifest.sigstore.json')!, 'manifest.sigstore.json'),
    result: byName.get('result.json')!,
    resultBundle: json(byName.get('result.sigstore.json')!, 'result.sigstore.json'),
  };
  return { where: 'dropped files', verification: await verifyBoxWith(files, policy, s, o) };
}

/** The envelope trust decision, as `envelope verify`'s flags give it. */
export interface EnvelopeTrustInput {
  devKeys?: { label: string; pem: string }[];
  /** PEM public key for a key-signed sealbox envelope. */
  key?: string;
  /** --require-identity-pattern / --require-issuer */
  identityPattern?: string;
  /** --cert-identity: the signer exactly (an email address needs the issuer). */
  identity?: string;
  issuer?: string;
  /** --repo and the other identity flags. */
  flags?: PolicyFlags;
  /** A built-in trust policy by name. */
  policy?: string;
}

export async function verifyEnvelopeText(
  text: string,
  label: string,
  t: EnvelopeTrustInput,
  s: Settings,
): Promise<EnvelopeVerification> {
  const devKeys = [...(t.devKeys ?? [])];
  const identities: [string, IdentityPolicy][] = [];
  let releasedBoxWorkflow = false;
  if (t.identityPattern)
    identities.push([
      'an identity pattern',
      policyFromFlags({
        certIdentityRegex: t.identityPattern,
        certOidcIssuer: t.issuer || GITHUB_ACTIONS_ISSUER,
      }),
    ]);
  if (t.identity) {
    // The envelope view's issuer is InferenceBench's --require-issuer.
    if (!t.issuer && isEmailIdentity(t.identity))
      throw emailNeedsIssuer(t.identity, 'with --require-issuer');
    identities.push([
      'an identity',
      policyFromFlags({
        certIdentity: t.identity,
        certOidcIssuer: t.issuer || GITHUB_ACTIONS_ISSUER,
      }),
    ]);
  }
  if (t.flags && Object.values(t.flags).some((v) => v !== undefined && v !== ''))
    identities.push(['a repository or signer', policyFromFlags(t.flags)]);
  if (t.policy) {
    const p = builtinPolicy(t.policy);
    if (!p) throw new SealboxError('USAGE', `trust policy ${t.policy}: no such built-in policy`);
    for (const a of p.anchors) if (a.pem) devKeys.push({ label: `${p.name} anchor`, pem: a.pem });
    const identity = identityPolicyOf(p);
    if (identity) identities.push([`the policy ${p.name}`, identity]);
    releasedBoxWorkflow = Boolean(p.releasedBoxWorkflow);
  }
  if (identities.length > 1)
    throw new SealboxError(
      'USAGE',
      `${identities.map(([w]) => w).join(' and ')} each name the signer: give one`,
    );
  const trust = { devKeys, key: t.key, identity: identities[0]?.[1] };
  if (!hasTrustDecision(trust))
    throw new SealboxError(
      'POLICY_MISSING',
      'refusing to verify without a trust anchor or identity policy: add an anchor key, an identity pattern, a repository or a trust policy',
    );
  return verifyEnvelope(parseEnvelope(text, label), {
    ...trust,
    trustedRoots: trustedRoots(s),
    verifier: new SigstoreSignatureVerifier(),
    boxReleases: releasedBoxWorkflow ? (await releaseSources(s)).sources : undefined,
  });
}

/** A box checked for a submission: the participant's policy holds, it is this repository's, it is open. */
export interface SubmissionTarget {
  located: LocatedBox;
  box: OpenBox;
}

export async function openBoxAt(
  addressText: string,
  flags: PolicyFlags,
  s: Settings,
  now = new Date(),
): Promise<SubmissionTarget> {
  const policy = boxPolicy(flags);
  const located = await locateBox(client(s), onlineAddress(addressText));
  const { announcement, issue } = await readIssue(located);
  const box = await checkOpenBox(
    announcement,
    { ...located, issue },
    {
      policy,
      trustedRoots: trustedRoots(s),
      verifier: new SigstoreSignatureVerifier(),
      releases: (await releaseSources(s)).sources,
      allowUnreleasedBoxWorkflow: s.allowUnreleasedBoxWorkflow,
    },
    now,
  );
  return { located, box };
}

/** A GitHub account's public user id, which a submission is bound to. */
export async function userId(login: string, s: Settings): Promise<{ login: string; id: number }> {
  const name = login.trim().replace(/^@/, '');
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(name))
    throw new SealboxError('USAGE', `${login || '(empty)'}: is not a GitHub login`);
  try {
    const { data } = await client(s).rest.users.getByUsername({ username: name });
    return { login: data.login, id: data.id };
  } catch (e) {
    const status = (e as { status?: number }).status;
    throw new SealboxError(
      status === 404 ? 'INPUT_NOT_FOUND' : 'SERVICE',
      status === 404 ? `${name}: no such GitHub user` : `${name}: ${(e as Error).message}`,
    );
  }
}

/**
 * A reply key for one submission to this box: held in this page's memory,
 * offered to the participant as a file to save before anything is posted
 * (a reload loses it), the same file `sealbox box submit` writes.
 */
export interface PageReplyKey {
  key: ReplyKey;
  /** The reply key file's text and a name for it. */
  text: string;
  fileName: string;
}

export async function newPageReplyKey(target: SubmissionTarget): Promise<PageReplyKey> {
  const m = target.box.manifest;
  const key = await newReplyKey(m.hpke.suite, {
    box_id: m.box_id,
    manifest_digest: target.box.digest,
    box: target.located.address,
  });
  return { key, text: replyKeyText(key.file), fileName: `sealbox-reply-key-${m.box_id}.json` };
}

/** The comment text for `author`, to paste into the box's issue (with a reply key, the box can answer privately). */
export function sealForAuthor(
  target: SubmissionTarget,
  authorId: number,
  message: string,
  replyKey?: PageReplyKey,
) {
  if (!message) throw new SealboxError('USAGE', 'the message is empty');
  return sealFor(target.box, authorId, message, undefined, replyKey?.key.keyPair.publicKey);
}

/**
 * Seals for the token's own account and posts the comment. The token is used
 * for these two requests only and kept nowhere.
 */
export async function sealAndPost(
  target: SubmissionTarget,
  message: string,
  token: string,
  s: Settings,
  replyKey?: PageReplyKey,
) {
  if (!message) throw new SealboxError('USAGE', 'the message is empty');
  const octokit = client(s, token.trim());
  let me: { login: string; id: number };
  try {
    me = (await octokit.rest.users.getAuthenticated()).data;
  } catch (e) {
    throw new SealboxError('NO_IDENTITY', `the token was refused: ${(e as Error).message}`);
  }
  const wait = Date.parse(target.box.opensAt) - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait + 100));
  const body = await sealFor(
    target.box,
    me.id,
    message,
    undefined,
    replyKey?.key.keyPair.publicKey,
  );
  // The box was located already: post to its issue as the token's account.
  const { repository, issue } = target.located;
  const posted = await new GitHubIssueBus(octokit, repository, issue).post(body);
  return {
    login: me.login,
    commentId: posted.id,
    receipt: await receiptFor(target.box, target.located.address, body, posted),
  };
}

/** A private reply opened in this page, and the reply document to keep. */
export interface PageReply {
  reading: ReplyReading;
  /** The reply document's text and a name for it (when the reply opened). */
  document?: { text: string; fileName: string; value: ReplyDocument };
}

/**
 * Opens the reply to the reply key's submission in a box that verified, in
 * memory: nothing leaves the page. `keyText` is the reply key file's text.
 */
export async function openReplyIn(
  report: BoxReport,
  keyText: string,
  keyLabel: string,
  receipt?: Receipt,
): Promise<PageReply> {
  const v = report.verification;
  if (!v.ok || !v.manifest || !v.result || !v.manifestDigest)
    throw new SealboxError(
      'INPUT_INVALID',
      'the box did not verify: a reply is read only from a box that verifies',
    );
  const key = await parseReplyKey(keyText, keyLabel);
  const reading = await readReply(
    {
      manifest: v.manifest,
      result: v.result,
      manifestDigest: v.manifestDigest,
      ...(/#\d+$/.test(report.where) ? { address: report.where } : {}),
    },
    key,
    receipt?.comment_id,
  );
  const doc = reading.document;
  return {
    reading,
    ...(doc
      ? {
          document: {
            value: doc,
            text: replyDocumentText(doc),
            fileName: `sealbox-reply-${doc.box_id}-${doc.comment_id}.json`,
          },
        }
      : {}),
  };
}
