// Identity policies over Fulcio claims, with `gh attestation verify`'s flags
// and the rules gh applies without writing them down (PRODUCT.md). Pure.
import { SealboxError } from '../errors.ts';
import { failed, passed, type Check, type CheckCode } from '../check.ts';
import type { CertificateClaims } from './claims.ts';

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * An identity that is an email address (a person who logged in), not a URI:
 * one @, no scheme, no spaces or slashes. GitHub Actions never signs as one,
 * so its issuer is never the default for it.
 */
export function isEmailIdentity(identity: string): boolean {
  const at = identity.indexOf('@');
  return (
    at > 0 &&
    at === identity.lastIndexOf('@') &&
    at < identity.length - 1 &&
    !/[\s/:]/.test(identity)
  );
}

/** The refusal when an email identity comes without its issuer (`where`: "with --flag"). */
export function emailNeedsIssuer(identity: string, where: string): SealboxError {
  return new SealboxError(
    'USAGE',
    `${JSON.stringify(identity)} is an email address: name the issuer it logged in through ${where} (GitHub Actions, the default issuer, never signs as a person; through Sigstore's public-good login it is https://github.com/login/oauth, https://accounts.google.com or https://login.microsoftonline.com)`,
  );
}

/** Who must have signed: one rule, from one signer flag or a default. */
export type SignerRule =
  | { kind: 'identity'; identity: string }
  | { kind: 'identity-regex'; pattern: string }
  /**
   * SAN starts with the prefix (a repository, or a workflow at any ref). As on
   * GitHub, the host, owner and repository names compare case-insensitively;
   * the rest (a workflow's path) exactly.
   */
  | { kind: 'prefix'; prefix: string; describe: string }
  /** SAN is the workflow at the ref: owner and repository case-insensitively, path and ref exactly. */
  | { kind: 'workflow-at-ref'; identity: string }
  /** SAN is one of these, exactly (a trust policy's `identities`). */
  | { kind: 'one-of'; identities: string[] };

export interface IdentityPolicy {
  /** Exact OIDC issuer. */
  issuer: string;
  signer: SignerRule;
  /** O/R: the source repository claim must be https://github.com/O/R. */
  repo?: string;
  /** O: the source owner claim must be https://github.com/O. */
  owner?: string;
  sourceRef?: string;
  sourceDigest?: string;
  /** The signing workflow's commit (Build Signer Digest), as gh's --signer-digest. */
  signerDigest?: string;
  denySelfHostedRunners?: boolean;
}

/** The flags a user gives, as `gh attestation verify` names them. */
export interface PolicyFlags {
  owner?: string;
  repo?: string;
  signerRepo?: string;
  signerWorkflow?: string;
  certIdentity?: string;
  certIdentityRegex?: string;
  certOidcIssuer?: string;
  sourceRef?: string;
  sourceDigest?: string;
  signerDigest?: string;
  denySelfHostedRunners?: boolean;
}

const GITHUB = 'https://github.com';

function checkRepoName(value: string, flag: string): string {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(value)) {
    throw new SealboxError('USAGE', `${flag} ${JSON.stringify(value)} is not OWNER/REPO`);
  }
  return value;
}

function checkOwnerName(value: string, flag: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(value)) {
    throw new SealboxError('USAGE', `${flag} ${JSON.stringify(value)} is not an owner name`);
  }
  return value;
}

/** Parses `[HOST/]O/R/.github/workflows/F.yml[@REF]` (or a full https URL) into a signer rule. */
export function signerWorkflowRule(value: string): SignerRule {
  let rest = value.replace(/^https:\/\//, '');
  const firstSegment = rest.split('/')[0] ?? '';
  let host = 'github.com';
  if (firstSegment.includes('.')) {
    host = firstSegment;
    rest = rest.slice(firstSegment.length + 1);
  }
  const at = rest.indexOf('@');
  const path = at === -1 ? rest : rest.slice(0, at);
  const ref = at === -1 ? undefined : rest.slice(at + 1);
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/\.github\/workflows\/[^@/]+\.ya?ml$/.test(path)) {
    throw new SealboxError(
      'USAGE',
      `--signer-workflow ${JSON.stringify(value)} is not [HOST/]OWNER/REPO/.github/workflows/FILE.yml[@REF]`,
    );
  }
  if (ref !== undefined && !ref) {
    throw new SealboxError('USAGE', `--signer-workflow ${JSON.stringify(value)} has an empty ref`);
  }
  const uri = `https://${host}/${path}`;
  return ref === undefined
    ? { kind: 'prefix', prefix: `${uri}@`, describe: `the workflow ${uri} at any ref` }
    : { kind: 'workflow-at-ref', identity: `${uri}@${ref}` };
}

/**
 * Builds a policy from flags. Without any identity constraint it refuses
 * (POLICY_MISSING); callers that verify with a key do not call this.
 * `defaultSigner` replaces gh's rule that ties the signer to --repo/--owner
 * (`box verify` pins sealbox's reusable workflow instead).
 */
export function policyFromFlags(
  flags: PolicyFlags,
  options: { defaultSigner?: SignerRule } = {},
): IdentityPolicy {
  const repo = flags.repo === undefined ? undefined : checkRepoName(flags.repo, '--repo');
  const owner = flags.owner === undefined ? undefined : checkOwnerName(flags.owner, '--owner');
  if (repo && owner && repo.split('/')[0]!.toLowerCase() !== owner.toLowerCase()) {
    throw new SealboxError('USAGE', `--repo ${repo} is not owned by --owner ${owner}`);
  }
  const signerFlags = [
    ['--signer-repo', flags.signerRepo],
    ['--signer-workflow', flags.signerWorkflow],
    ['--cert-identity', flags.certIdentity],
    ['--cert-identity-regex', flags.certIdentityRegex],
  ].filter(([, v]) => v !== undefined) as [string, string][];
  if (signerFlags.length > 1) {
    throw new SealboxError(
      'USAGE',
      `${signerFlags.map(([f]) => f).join(' and ')} cannot be combined: give one signer`,
    );
  }
  let signer: SignerRule | undefined;
  if (flags.signerRepo !== undefined) {
    const r = checkRepoName(flags.signerRepo, '--signer-repo');
    signer = { kind: 'prefix', prefix: `${GITHUB}/${r}/`, describe: `a workflow of ${r}` };
  } else if (flags.signerWorkflow !== undefined) {
    signer = signerWorkflowRule(flags.signerWorkflow);
  } else if (flags.certIdentity !== undefined) {
    if (flags.certOidcIssuer === undefined && isEmailIdentity(flags.certIdentity))
      throw emailNeedsIssuer(flags.certIdentity, 'with --cert-oidc-issuer');
    signer = { kind: 'identity', identity: flags.certIdentity };
  } else if (flags.certIdentityRegex !== undefined) {
    try {
      new RegExp(flags.certIdentityRegex);
    } catch {
      throw new SealboxError(
        'USAGE',
        `--cert-identity-regex ${JSON.stringify(flags.certIdentityRegex)} is not a valid regular expression`,
      );
    }
    signer = { kind: 'identity-regex', pattern: flags.certIdentityRegex };
  } else if (options.defaultSigner) {
    signer = options.defaultSigner;
  } else if (repo) {
    signer = { kind: 'prefix', prefix: `${GITHUB}/${repo}/`, describe: `a workflow of ${repo}` };
  } else if (owner) {
    signer = {
      kind: 'prefix',
      prefix: `${GITHUB}/${owner}/`,
      describe: `a workflow of a repository of ${owner}`,
    };
  }
  if (!signer) {
    throw new SealboxError(
      'POLICY_MISSING',
      'no identity to verify against: add --owner, --repo, --signer-repo, --signer-workflow, --cert-identity or --cert-identity-regex (or --key for a key-signed bundle)',
    );
  }
  for (const [flag, value] of [
    ['--source-digest', flags.sourceDigest],
    ['--signer-digest', flags.signerDigest],
  ] as const) {
    if (value !== undefined && !/^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$/.test(value))
      throw new SealboxError('USAGE', `${flag} ${JSON.stringify(value)} is not a commit SHA`);
  }
  return {
    issuer: flags.certOidcIssuer ?? GITHUB_ACTIONS_ISSUER,
    signer,
    repo,
    owner,
    sourceRef: flags.sourceRef,
    sourceDigest: flags.sourceDigest?.toLowerCase(),
    signerDigest: flags.signerDigest?.toLowerCase(),
    denySelfHostedRunners: flags.denySelfHostedRunners,
  };
}

export function describeSigner(rule: SignerRule): string {
  switch (rule.kind) {
    case 'identity':
    case 'workflow-at-ref':
      return rule.identity;
    case 'identity-regex':
      return `matching /${rule.pattern}/`;
    case 'prefix':
      return rule.describe;
    case 'one-of':
      return rule.identities.length === 1
        ? rule.identities[0]!
        : `one of ${rule.identities.join(', ')}`;
  }
}

/**
 * GitHub's names: the host, the owner and the repository are case-insensitive
 * (github.com/Octo/App is github.com/octo/app); a workflow's file path and a
 * ref are not (refs/heads/Main is another branch than refs/heads/main). So a
 * URI's first three parts compare case-insensitively and the rest exactly.
 */
function splitGitHubUri(uri: string): [string, string] {
  const m = /^(https:\/\/[^/]+\/[^/]+\/[^/@]+)(.*)$/s.exec(uri);
  return m ? [m[1]!.toLowerCase(), m[2]!] : [uri.toLowerCase(), ''];
}

/** `uri` starts with `prefix`, GitHub's names case-insensitively and paths and refs exactly. */
export function githubUriStartsWith(uri: string, prefix: string): boolean {
  const [uriRepo, uriRest] = splitGitHubUri(uri);
  const [prefixRepo, prefixRest] = splitGitHubUri(prefix);
  if (!prefixRest) return (uriRepo + uriRest.toLowerCase()).startsWith(prefixRepo);
  return uriRepo === prefixRepo && uriRest.startsWith(prefixRest);
}

function signerMatches(rule: SignerRule, san: string): boolean {
  switch (rule.kind) {
    case 'identity':
      return san === rule.identity;
    case 'workflow-at-ref': {
      const [sanRepo, sanRest] = splitGitHubUri(san);
      const [wantRepo, wantRest] = splitGitHubUri(rule.identity);
      return sanRepo === wantRepo && sanRest === wantRest;
    }
    case 'identity-regex':
      return new RegExp(rule.pattern).test(san);
    case 'prefix':
      return githubUriStartsWith(san, rule.prefix);
    case 'one-of':
      return rule.identities.includes(san);
  }
}

function claimCheck(
  name: string,
  code: CheckCode,
  label: string,
  actual: string | undefined,
  expected: string,
  equal: (a: string, b: string) => boolean,
): Check {
  if (actual === undefined) return failed(name, code, `certificate has no ${label} claim`);
  return equal(actual, expected)
    ? passed(name, `${label} is ${actual}`)
    : failed(name, code, `${label} is ${actual}, expected ${expected}`);
}

const exact = (a: string, b: string) => a === b;
const caseless = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Evaluates every rule of the policy on the claims; one check per rule. */
export function evaluatePolicy(policy: IdentityPolicy, claims: CertificateClaims): Check[] {
  const checks: Check[] = [];
  checks.push(
    claimCheck('issuer', 'ISSUER_MISMATCH', 'OIDC issuer', claims.issuer, policy.issuer, exact),
  );
  const san = claims.subjectAlternativeName;
  const want = describeSigner(policy.signer);
  if (san === undefined)
    checks.push(failed('signer', 'SIGNER_MISMATCH', 'certificate has no identity (SAN)'));
  else if (signerMatches(policy.signer, san))
    checks.push(passed('signer', `signer ${san} is ${want}`));
  else checks.push(failed('signer', 'SIGNER_MISMATCH', `signer ${san} is not ${want}`));
  if (policy.repo !== undefined) {
    checks.push(
      claimCheck(
        'source_repository',
        'SOURCE_REPOSITORY_MISMATCH',
        'source repository',
        claims.sourceRepositoryURI,
        `${GITHUB}/${policy.repo}`,
        caseless,
      ),
    );
  }
  if (policy.owner !== undefined) {
    checks.push(
      claimCheck(
        'source_owner',
        'SOURCE_OWNER_MISMATCH',
        'source repository owner',
        claims.sourceRepositoryOwnerURI,
        `${GITHUB}/${policy.owner}`,
        caseless,
      ),
    );
  }
  if (policy.sourceRef !== undefined) {
    checks.push(
      claimCheck(
        'source_ref',
        'SOURCE_REF_MISMATCH',
        'source ref',
        claims.sourceRepositoryRef,
        policy.sourceRef,
        exact,
      ),
    );
  }
  if (policy.sourceDigest !== undefined) {
    checks.push(
      claimCheck(
        'source_digest',
        'SOURCE_DIGEST_MISMATCH',
        'source commit',
        claims.sourceRepositoryDigest,
        policy.sourceDigest,
        caseless,
      ),
    );
  }
  if (policy.signerDigest !== undefined) {
    checks.push(
      claimCheck(
        'signer_digest',
        'SIGNER_DIGEST_MISMATCH',
        'signing workflow commit',
        claims.buildSignerDigest,
        policy.signerDigest,
        caseless,
      ),
    );
  }
  if (policy.denySelfHostedRunners) {
    checks.push(
      claimCheck(
        'runner',
        'SELF_HOSTED_RUNNER',
        'runner environment',
        claims.runnerEnvironment,
        'github-hosted',
        exact,
      ),
    );
  }
  return checks;
}
