// Named trust policies: a small JSON or YAML file naming who may sign
// (issuer and identity pattern) and which dev keys are anchors, or one of a
// few built-in names. Portable: reading anchor files is the caller's job.
import { parse as parseYaml } from 'yaml';
import * as z from 'zod/mini';
import { SealboxError } from '../errors.ts';
import { GITHUB_ACTIONS_ISSUER } from '../policy/identity.ts';

export interface TrustPolicy {
  name: string;
  issuer: string;
  identityPattern?: string;
  /** PEM texts, or paths (relative to the policy file) for the caller to read. */
  anchors: { pem?: string; path?: string }[];
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
      description: "sealbox's reusable box workflow at its canonical home, any ref",
      issuer: GITHUB_ACTIONS_ISSUER,
      identityPattern: '^https://github\\.com/sealbox/sealbox/\\.github/workflows/box\\.yml@',
      anchors: [],
    },
  };

const schema = z.object(
  {
    issuer: z.optional(z.string('is not a string')),
    identity_pattern: z.optional(z.string('is not a string')),
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
  const { issuer, identity_pattern, anchors } = r.data;
  if (identity_pattern === undefined && !anchors?.length) {
    throw new SealboxError(
      'INPUT_INVALID',
      `trust policy ${label}: names neither identity_pattern nor anchors, so it trusts nothing`,
    );
  }
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
    anchors: (anchors ?? []).map((a) => (a.includes('-----BEGIN') ? { pem: a } : { path: a })),
  };
}

export function builtinPolicy(name: string): TrustPolicy | undefined {
  const p = BUILTIN_POLICIES[name];
  return p && { name, issuer: p.issuer, identityPattern: p.identityPattern, anchors: p.anchors };
}
