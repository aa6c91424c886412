// The page speaks of its own fields, not of the CLI's flags. Messages from
// the shared core name flags (`--signer-workflow X`); shown in the page, each
// flag becomes the name of the field that sets the same thing, quoted.
// Views label their fields with these names, so the two cannot drift apart.

/** Field names, as the page's labels begin. */
export const FIELD = {
  repo: 'Repository',
  owner: 'Owner',
  signerRepo: 'Signer repository',
  signerWorkflow: 'Signer workflow',
  certIdentity: 'Certificate identity',
  certIdentityRegex: 'Certificate identity pattern',
  issuer: 'OIDC issuer',
  sourceRef: 'Source ref',
  sourceDigest: 'Source commit',
  signerDigest: 'Signer commit',
  denySelfHosted: 'Require a GitHub-hosted runner',
  allowSelfHosted: 'Accept a self-hosted runner',
  key: 'Public key',
  ignoreTlog: 'No transparency-log entry needed',
  predicateType: 'Predicate type',
  receipt: 'Your receipt',
  replyKey: 'Your reply key',
  anchors: 'Trust anchors',
  identityPattern: 'Identity pattern',
  identityIssuer: 'Issuer of that identity',
  trustPolicy: 'Built-in trust policy',
  trustedRoot: 'Trusted root',
  releases: 'Release list of that stack',
  allowUnreleased: 'Accept unreleased box workflows',
} as const;

/** Each CLI flag a message may name, and the field of the page that sets the same thing. */
export const FLAG_FIELDS: Record<string, string> = {
  '--repo': FIELD.repo,
  '-R': FIELD.repo,
  '--owner': FIELD.owner,
  '--signer-repo': FIELD.signerRepo,
  '--signer-workflow': FIELD.signerWorkflow,
  '--cert-identity': FIELD.certIdentity,
  '--certificate-identity': FIELD.certIdentity,
  '--cert-identity-regex': FIELD.certIdentityRegex,
  '--cert-oidc-issuer': FIELD.issuer,
  '--certificate-oidc-issuer': FIELD.issuer,
  '--source-ref': FIELD.sourceRef,
  '--source-digest': FIELD.sourceDigest,
  '--signer-digest': FIELD.signerDigest,
  '--allow-unreleased-box-workflow': `${FIELD.allowUnreleased} (Settings)`,
  '--deny-self-hosted-runners': FIELD.denySelfHosted,
  '--allow-self-hosted-runners': FIELD.allowSelfHosted,
  '--key': FIELD.key,
  '--insecure-ignore-tlog': FIELD.ignoreTlog,
  '--predicate-type': FIELD.predicateType,
  '--receipt': FIELD.receipt,
  '--reply-key': FIELD.replyKey,
  '--dev-public-key': FIELD.anchors,
  '--require-identity-pattern': FIELD.identityPattern,
  '--require-issuer': FIELD.identityIssuer,
  '--trust-policy': FIELD.trustPolicy,
  '--trusted-root': `${FIELD.trustedRoot} (Settings)`,
  '--custom-trusted-root': `${FIELD.trustedRoot} (Settings)`,
};

/**
 * Flags a message names to say how the evidence was made (by its signer, with
 * the CLI), not what the reader should set: the page leaves them as they are.
 */
export const SIGNER_FLAGS = new Set(['--no-tlog']);

// A flag: at the start or after a space or opening punctuation, up to a
// character that cannot be part of it. Linear: one pass, no backtracking.
const FLAG = /(^|[\s("'`,])(--[a-z][a-z0-9-]*|-R)(?![a-z0-9-])/g;

/** " VALUE ": one token with something other than letters in it (a name, a digest), not a word. */
function isValue(between: string): boolean {
  const token = between.slice(1, -1);
  return (
    between.startsWith(' ') &&
    between.endsWith(' ') &&
    token.length > 0 &&
    !/[\s(),;]/.test(token) &&
    /[^A-Za-z]/.test(token)
  );
}

/**
 * A message in the page's words: every flag the page has a field for is
 * replaced by that field's quoted name; "X --a V --b W" reads "X “A” V, “B” W".
 * A quoted command to run ('sealbox ...') is left whole: it is advice to use the CLI.
 */
export function inPageTerms(message: string): string {
  // A command to run, quoted ('sealbox trusted-root update --instance github'), stays as it is.
  let out = '';
  let at = 0;
  for (const m of message.matchAll(COMMAND)) {
    out += flagsToFields(message.slice(at, m.index)) + m[0];
    at = m.index + m[0].length;
  }
  return out + flagsToFields(message.slice(at));
}

const COMMAND = /'sealbox [^']*'/g;

function flagsToFields(message: string): string {
  let lastWasField = false;
  let out = '';
  let at = 0;
  for (const m of message.matchAll(FLAG)) {
    const field = FLAG_FIELDS[m[2]!];
    if (!field) continue;
    const start = m.index + m[1]!.length;
    let between = message.slice(at, start);
    // A flag right after another flag's value (one token, not a word): separate the pairs.
    if (lastWasField && isValue(between)) between = `${between.trimEnd()}, `;
    out += between + `“${field}”`;
    at = start + m[2]!.length;
    lastWasField = true;
  }
  return out + message.slice(at);
}
