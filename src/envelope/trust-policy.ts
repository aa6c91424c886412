// Named trust policies: a small JSON or YAML file naming who may sign
// (issuer, and an identity pattern or a list of identities such as email
// addresses) and which dev keys are anchors, or one of a few built-in names.
// Portable: reading anchor files is the caller's job.
import { parse as parseYaml } from 'yaml';
import * as z from 'zod/mini';
import { SealboxError } from '../errors.ts';
import {
  GITHUB_ACTIONS_ISSUER,
  emailNeedsIssuer,
  isEmailIdentity,
  policyFromFlags,
  type IdentityPolicy,
} from '../policy/identity.ts';

export interface TrustPolicy {
  name: string;
  issuer: string;
  identityPattern?: string;
  /** Exact signer identities (SANs): email addresses, or URIs. */
  identities?: string[];
  /** PEM texts, or paths (relative to the policy file) for the caller to read. */
  anchors: { pem?: string; path?: string }[];
  /**
   * sealbox's box workflow only at a sealbox release (the `release` rule of
   * docs/spec/sealed-box-v1.1.md, section 9), as `box verify` requires.
   */
  releasedBoxWorkflow?: boolean;
}

export const BUILTIN_POLICIES: Record<string, Omit<TrustPolicy, 'name'> & { description: string }> =
  {
    'inferencebench-release': {
      description: "InferenceBench's release workflows (keyless envelopes from yobitelcomm/bench)",
      issuer: GITHUB_ACTIONS_ISSUER,
      identityPattern: '^https://github\\.com/yobitelcomm/bench/',
      anchors: [],
    },
    'sealbox-box': {
      description:
        "sealbox's reusable box workflow at its canonical home, at a sealbox release (as box verify requires)",
      issuer: GITHUB_ACTIONS_ISSUER,
      identityPattern: '^https://github\\.com/sealbox/sealbox/\\.github/workflows/box\\.yml@',
      anchors: [],
      releasedBoxWorkflow: true,
    },
  };

const schema = z.object(
  {
    issuer: z.optional(z.string('is not a string')),
    identity_pattern: z.optional(z.string('is not a string')),
    identities: z.optional(
      z.array(z.string('is not a string').check(z.minLength(1, 'is empty')), 'is not a list'),
    ),
    anchors: z.optional(z.array(z.string('is not a string'), 'is not a list')),
  },
  'is not a mapping',
);

/** Parses a policy file's text (JSON is YAML too). */
export function parseTrustPolicy(text: string, label: string): TrustPolicy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new SealboxError(
      'INPUT_INVALID',
      `trust policy ${label}: does not parse (${(e as Error).message.split('\n')[0]})`,
    );
  }
  const r = schema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new SealboxError(
      'INPUT_INVALID',
      `trust policy ${label}: ${issue?.path.join('.') || 'document'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const { issuer, identity_pattern, identities, anchors } = r.data;
  if (identity_pattern === undefined && !identities?.length && !anchors?.length) {
    throw new SealboxError(
      'INPUT_INVALID',
      `trust policy ${label}: names neither identity_pattern, identities nor anchors, so it trusts nothing`,
    );
  }
  if (identity_pattern !== undefined && identities !== undefined)
    throw new SealboxError(
      'INPUT_INVALID',
      `trust policy ${label}: names both identity_pattern and identities; give one`,
    );
  const email = issuer === undefined ? identities?.find(isEmailIdentity) : undefined;
  if (email !== undefined)
    throw new SealboxError(
      'INPUT_INVALID',
      `trust policy ${label}: ${emailNeedsIssuer(email, "in the policy's issuer").message}`,
    );
  if (identity_pattern !== undefined) {
    try {
      new RegExp(identity_pattern);
    } catch {
      throw new SealboxError(
        'INPUT_INVALID',
        `trust policy ${label}: identity_pattern is not a valid regular expression`,
      );
    }
  }
  return {
    name: label,
    issuer: issuer ?? GITHUB_ACTIONS_ISSUER,
    identityPattern: identity_pattern,
    identities: identities?.length ? identities : undefined,
    anchors: (anchors ?? []).map((a) => (a.includes('-----BEGIN') ? { pem: a } : { path: a })),
  };
}

export function builtinPolicy(name: string): TrustPolicy | undefined {
  const p = BUILTIN_POLICIES[name];
  return (
    p && {
      name,
      issuer: p.issuer,
      identityPattern: p.identityPattern,
      anchors: p.anchors,
      releasedBoxWorkflow: p.releasedBoxWorkflow,
    }
  );
}

/** Who a policy says must have signed keyless envelopes, or undefined when it names only anchors. */
export function identityPolicyOf(p: TrustPolicy): IdentityPolicy | undefined {
  if (p.identities)
    return { issuer: p.issuer, signer: { kind: 'one-of', identities: p.identities } };
  if (p.identityPattern !== undefined)
    return policyFromFlags({ certIdentityRegex: p.identityPattern, certOidcIssuer: p.issuer });
  return undefined;
}
