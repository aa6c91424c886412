// Released box workflows (docs/spec/sealed-box-v1.1.md, section 9): the
// release list sealbox ships (tag -> commit, and revocations), and the rule
// that accepts sealbox's box workflow only at a listed, unrevoked release,
// named by that release's tag or by its commit. Pure.
import * as z from 'zod/mini';
import { SealboxError } from '../errors.ts';
import { sha256Hex } from '../bytes.ts';
import { githubUriStartsWith } from '../policy/identity.ts';
import type { LoadedTrustedRoot } from '../sigstore/trusted-root.ts';

export const RELEASE_LIST_FORMAT = 'sealbox-releases/v1';
/** Where sealbox's box workflow lives: the only signer the release rule is about. */
export const BOX_WORKFLOW_HOME = 'sealbox/sealbox';
export const BOX_WORKFLOW = `${BOX_WORKFLOW_HOME}/.github/workflows/box.yml`;
const BOX_WORKFLOW_PREFIX = `https://github.com/${BOX_WORKFLOW}@`;

const VERSION_TAG = /^v(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;
const COMMIT = /^[0-9a-f]{40}$/;

const tag = z.string('is not a string').check(z.regex(VERSION_TAG, 'is not a tag vX.Y.Z'));
const commit = z
  .string('is not a string')
  .check(z.regex(COMMIT, 'is not a commit (40 lowercase hex digits)'));

const schema = z.strictObject(
  {
    format: z.literal(RELEASE_LIST_FORMAT, `is not ${RELEASE_LIST_FORMAT}`),
    repository: z.literal(BOX_WORKFLOW_HOME, `is not ${BOX_WORKFLOW_HOME}`),
    releases: z.array(z.strictObject({ tag, commit }, 'is not {tag, commit}'), 'is not a list'),
    revoked: z.array(
      z.strictObject(
        { tag, commit, reason: z.string('is not a string') },
        'is not {tag, commit, reason}',
      ),
      'is not a list',
    ),
    certificate_authority: z.optional(
      z
        .string('is not a string')
        .check(z.regex(/^[0-9a-f]{64}$/, 'is not a sha256 digest (64 lowercase hex digits)')),
    ),
  },
  'is not a release list object',
);

export type ReleaseList = z.infer<typeof schema>;
export type Release = ReleaseList['releases'][number];

/** A release list and where it applies. */
export interface ReleaseSource {
  /** Where the list came from, for reasons and notes. */
  label: string;
  list: ReleaseList;
  /**
   * The trusted roots (their `source` labels) whose certificates this list
   * speaks for: a local stack's list, for its own CA only. Absent: every
   * certificate (the list sealbox ships).
   */
  roots?: string[];
}

/** Validates a release list document (already parsed JSON). Throws INPUT_INVALID naming the field. */
export function parseReleaseList(doc: unknown, label: string): ReleaseList {
  const r = schema.safeParse(doc);
  if (r.success) {
    const tags = new Set<string>();
    for (const { tag } of r.data.releases) {
      if (tags.has(tag))
        throw new SealboxError(
          'INPUT_INVALID',
          `release list ${label}: releases lists ${tag} twice (a tag names one commit)`,
        );
      tags.add(tag);
    }
    return r.data;
  }
  const issue = r.error.issues[0];
  const path = issue?.path.length ? issue.path.map(String).join('.') : 'document';
  throw new SealboxError(
    'INPUT_INVALID',
    `release list ${label}: ${path} ${issue?.message ?? 'is invalid'}`,
  );
}

/** A version tag's numbers, or undefined for anything else. */
export function versionOf(name: string): [number, number, number] | undefined {
  const m = VERSION_TAG.exec(name);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Negative, zero or positive as version tag a is lower, equal or higher than b. */
export function compareVersions(a: string, b: string): number {
  const x = versionOf(a) ?? [0, 0, 0];
  const y = versionOf(b) ?? [0, 0, 0];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** The box workflow's certificate: its Build Signer URI and Build Signer Digest. */
export interface BoxSigner {
  uri?: string;
  digest?: string;
}

export type ReleaseVerdict =
  | { ok: true; reason: string; release?: Release }
  | { ok: false; code: 'UNRELEASED' | 'UNKNOWN_RELEASE' | 'REVOKED_RELEASE'; reason: string };

const short = (sha: string) => sha.slice(0, 12);

/** Whether a Build Signer URI names sealbox's box workflow (at any ref). */
export function isBoxWorkflow(uri: string): boolean {
  return githubUriStartsWith(uri, BOX_WORKFLOW_PREFIX);
}

/**
 * The release rule on one certificate, over the lists that apply to it
 * (section 9): sealbox's box workflow only at a listed, unrevoked release,
 * named by its tag (refs/tags/vX.Y.Z) or its commit.
 */
export function releaseVerdict(signer: BoxSigner, lists: ReleaseList[]): ReleaseVerdict {
  const uri = signer.uri;
  if (!uri)
    return { ok: false, code: 'UNRELEASED', reason: 'the certificate names no build signer' };
  if (!isBoxWorkflow(uri))
    return {
      ok: true,
      reason: `the signer ${uri} is not sealbox's box workflow (named by the verifier): no release to check`,
    };
  const ref = uri.slice(uri.indexOf('@') + 1);
  const digest = signer.digest ?? '';
  if (!COMMIT.test(digest))
    return {
      ok: false,
      code: 'UNRELEASED',
      reason: `the certificate's build signer digest ${JSON.stringify(digest)} is not a commit`,
    };
  const releases = lists.flatMap((l) => l.releases);
  const revoked = lists.flatMap((l) => l.revoked).find((r) => r.commit === digest);
  if (revoked)
    return {
      ok: false,
      code: 'REVOKED_RELEASE',
      reason: `box.yml at ${ref}: release ${revoked.tag} (commit ${short(digest)}) was revoked: ${revoked.reason}`,
    };
  const tagRef = /^refs\/tags\/(.*)$/s.exec(ref);
  if (tagRef && versionOf(tagRef[1]!)) {
    const name = tagRef[1]!;
    const hit = releases.find((r) => r.tag === name && r.commit === digest);
    if (hit) return { ok: true, reason: `release ${name} (commit ${short(digest)})`, release: hit };
    const other = releases.find((r) => r.tag === name);
    if (other)
      return {
        ok: false,
        code: 'UNRELEASED',
        reason: `box.yml at ${name} ran commit ${short(digest)}, but release ${name} is commit ${short(other.commit)} (a moved tag, or a commit from elsewhere)`,
      };
    const newest = releases.reduce<string | undefined>(
      (top, r) => (top === undefined || compareVersions(r.tag, top) > 0 ? r.tag : top),
      undefined,
    );
    if (newest === undefined || compareVersions(name, newest) > 0)
      return {
        ok: false,
        code: 'UNKNOWN_RELEASE',
        reason: `unknown release: update sealbox (box.yml at ${name}; this sealbox knows ${newest ? `releases up to ${newest}` : 'no release'})`,
      };
    return {
      ok: false,
      code: 'UNRELEASED',
      reason: `box.yml at tag ${name}: ${name} is not a sealbox release`,
    };
  }
  if (COMMIT.test(ref)) {
    if (ref !== digest)
      return {
        ok: false,
        code: 'UNRELEASED',
        reason: `box.yml at commit ${short(ref)}, but the certificate's digest is ${short(digest)}`,
      };
    const hit = releases.find((r) => r.commit === digest);
    return hit
      ? { ok: true, reason: `release ${hit.tag} (commit ${short(digest)})`, release: hit }
      : {
          ok: false,
          code: 'UNRELEASED',
          reason: `box.yml at commit ${short(digest)}: not the commit of a sealbox release this sealbox knows (a newer release? update sealbox)`,
        };
  }
  return {
    ok: false,
    code: 'UNRELEASED',
    reason: `box.yml at ${ref}: ${/^refs\/heads\//.test(ref) ? 'a branch' : 'that ref'} is not a release; a box runs sealbox's box workflow at a release tag (refs/tags/vX.Y.Z) or its commit`,
  };
}

/** The lists that apply to a certificate verified against the trusted root `root` (its source label). */
export function listsFor(
  sources: readonly ReleaseSource[],
  root: string | undefined,
): ReleaseList[] {
  return sources
    .filter((s) => !s.roots || (root !== undefined && s.roots.includes(root)))
    .map((s) => s.list);
}

/** SHA-256 (hex) of the DER of every certificate of every CA a root trusts. */
async function caCertificates(root: LoadedTrustedRoot): Promise<string[]> {
  const out: string[] = [];
  for (const ca of root.root.certificateAuthorities)
    for (const c of ca.certChain?.certificates ?? []) out.push(await sha256Hex(c.rawBytes));
  return out;
}

/**
 * A local stack's release list (one naming its `certificate_authority`),
 * scoped to the given roots whose only CA is that one and is none of
 * public-good's: it then speaks for that stack's certificates and no others.
 * Returns the source, or why the list was ignored.
 */
export async function scopeLocalReleases(
  list: ReleaseList,
  label: string,
  roots: readonly LoadedTrustedRoot[],
  publicGood: LoadedTrustedRoot,
): Promise<{ source: ReleaseSource } | { ignored: string }> {
  const authority = list.certificate_authority;
  if (authority === undefined)
    return {
      ignored: `${label} names no certificate authority: ignored (only sealbox's own release list speaks for every certificate)`,
    };
  const shared = new Set(await caCertificates(publicGood));
  const scoped: string[] = [];
  for (const r of roots) {
    const cas = r.root.certificateAuthorities;
    // One CA entry whose chain is that one certificate: another certificate
    // in the chain (or another entry) would be a CA the list cannot speak for.
    const chain = cas[0]?.certChain?.certificates ?? [];
    const only = chain.length === 1 ? chain[0] : undefined;
    if (cas.length !== 1 || !only || (await sha256Hex(only.rawBytes)) !== authority) continue;
    if ((await caCertificates(r)).some((c) => shared.has(c))) continue;
    scoped.push(r.source);
  }
  if (!scoped.length)
    return {
      ignored: `${label}: its certificate authority is not the only CA of the trusted root given, or is a public-good CA: ignored`,
    };
  return { source: { label, list, roots: scoped } };
}
