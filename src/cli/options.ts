// Option helpers shared by commands: flags given once unless repeatable, the
// policy flags of `gh attestation verify`, and output formats.
import { Option, type Command } from 'commander';
import { SealboxError } from '../errors.ts';
import type { LoginRequest } from '../node/identity-token.ts';
import type { PolicyFlags } from '../policy/identity.ts';

/** A value option that is a usage error when given twice. */
export function once(flags: string, description: string): Option {
  const option: Option & { aliases?: string[] } = new Option(flags, description);
  return option.argParser((value: string, previous: unknown) => {
    if (previous !== undefined) {
      const names = [option.long, ...(option.aliases ?? [])].join(' or ');
      throw new SealboxError('USAGE', `${names} given twice; it takes one value`);
    }
    return value;
  });
}

/**
 * Another name for a value option (gh's or InferenceBench's name for the same
 * thing): it fills the same value, so giving both is "given twice".
 */
class AliasOption extends Option {
  readonly #target: string;
  constructor(flags: string, target: Option) {
    super(flags, `the same as ${target.long}`);
    this.#target = target.attributeName();
    const alias = this.long;
    const names = target as Option & { aliases?: string[] };
    names.aliases = [...(names.aliases ?? []), alias!];
    this.argParser((value: string, previous: unknown) => {
      if (previous !== undefined)
        throw new SealboxError(
          'USAGE',
          `${alias} is another name for ${target.long}; give it once, under either name`,
        );
      return value;
    });
  }
  override attributeName(): string {
    return this.#target;
  }
}

/** A value option given once, and other names for it. */
function withAliases(cmd: Command, option: Option, aliases: string[]): Command {
  cmd.addOption(option);
  for (const a of aliases) cmd.addOption(new AliasOption(a, option));
  return cmd;
}

export function addFormatOption(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .addOption(
      once(
        '-q, --jq <expression>',
        'print the JSON document through this jq expression (implies --format json)',
      ),
    );
}

/** Which of verify's policy flags a command can use. */
export interface PolicyOptionSet {
  /** `--key` and `--insecure-ignore-tlog`: key-signed bundles (default true). */
  key?: boolean;
  /** `--predicate-type` (default true). */
  predicateType?: boolean;
  /**
   * The one runner flag: `deny` (`--deny-self-hosted-runners`, opt in, as gh)
   * or `allow` (`--allow-self-hosted-runners`: boxes refuse them by default).
   */
  runner?: 'deny' | 'allow';
  /** The names of the alias flags InferenceBench's verifier uses (envelope verify). */
  inferenceBenchNames?: boolean;
}

/** The identity policy flags of `verify` (and of commands that take verify's policy). */
export function addPolicyOptions(cmd: Command, set: PolicyOptionSet = {}): Command {
  const { key = true, predicateType = true, runner = 'deny' } = set;
  cmd
    .addOption(
      once(
        '--owner <owner>',
        'source repository owner (https://github.com/OWNER; any case, as on GitHub)',
      ),
    )
    .addOption(
      once(
        '-R, --repo <owner/repo>',
        'source repository (https://github.com/OWNER/REPO; any case, as on GitHub)',
      ),
    )
    .addOption(
      once('--signer-repo <owner/repo>', 'the signing workflow belongs to this repository'),
    )
    .addOption(
      once(
        '--signer-workflow <workflow>',
        'the signing workflow: [HOST/]OWNER/REPO/.github/workflows/FILE.yml[@REF] (path and ref exact, owner and repository in any case)',
      ),
    )
    .addOption(once('--cert-identity <uri>', "the certificate's identity (SAN), exactly"));
  withAliases(
    cmd,
    once('--cert-identity-regex <re>', 'a JavaScript regular expression the SAN must match'),
    set.inferenceBenchNames ? ['--require-identity-pattern <re>'] : [],
  );
  withAliases(
    cmd,
    once(
      '--cert-oidc-issuer <url>',
      'OIDC issuer (default https://token.actions.githubusercontent.com)',
    ),
    set.inferenceBenchNames ? ['--require-issuer <url>'] : [],
  );
  cmd
    .addOption(
      once(
        '--source-ref <ref>',
        'source ref the run was built from, e.g. refs/heads/main (exact: refs are case-sensitive)',
      ),
    )
    .addOption(once('--source-digest <sha>', 'source commit the run was built from'))
    .addOption(
      once(
        '--signer-digest <sha>',
        "the signing workflow's commit (the certificate's Build Signer Digest)",
      ),
    );
  if (runner === 'deny') cmd.option('--deny-self-hosted-runners', 'require a GitHub-hosted runner');
  else
    cmd
      .option(
        '--allow-self-hosted-runners',
        "accept a self-hosted runner (refused by default: its operator controls the machine and the box's key)",
      )
      .option(
        '--allow-unreleased-box-workflow',
        "development only: accept sealbox's box workflow at a ref that is not a sealbox release (a branch, an unlisted commit or tag, a fork's commit), and v1 evidence; warns",
      );
  if (predicateType)
    cmd.addOption(once('--predicate-type <type>', "the in-toto statement's predicate type"));
  if (key)
    cmd
      .addOption(once('--key <pem>', 'verify a key-signed bundle against this PEM public key'))
      .option('--insecure-ignore-tlog', 'with --key: do not require a transparency log entry');
  return addTrustedRootOption(cmd);
}

/** `--trusted-root FILE`, and gh's name for it, `--custom-trusted-root`. */
export function addTrustedRootOption(cmd: Command, description?: string): Command {
  return withAliases(
    cmd,
    once('--trusted-root <file>', description ?? 'trusted root JSON, or JSON Lines of several'),
    ['--custom-trusted-root <file>'],
  );
}

export interface PolicyOptions extends PolicyFlags {
  /** Boxes: accept a self-hosted runner (they are refused by default). */
  allowSelfHostedRunners?: boolean;
  /** Boxes: accept evidence of unreleased box workflows (development only). */
  allowUnreleasedBoxWorkflow?: boolean;
  predicateType?: string;
  key?: string;
  insecureIgnoreTlog?: boolean;
  trustedRoot?: string;
}

export function identityFlagsGiven(o: PolicyFlags): string[] {
  const names: [keyof PolicyFlags, string][] = [
    ['owner', '--owner'],
    ['repo', '--repo'],
    ['signerRepo', '--signer-repo'],
    ['signerWorkflow', '--signer-workflow'],
    ['certIdentity', '--cert-identity'],
    ['certIdentityRegex', '--cert-identity-regex'],
    ['certOidcIssuer', '--cert-oidc-issuer'],
    ['sourceRef', '--source-ref'],
    ['sourceDigest', '--source-digest'],
    ['signerDigest', '--signer-digest'],
    ['denySelfHostedRunners', '--deny-self-hosted-runners'],
  ];
  return names.filter(([k]) => o[k] !== undefined).map(([, flag]) => flag);
}

/** The flags of a person's login, for commands that sign keyless. */
export interface LoginFlags {
  oidcIssuer?: string;
  oidcInteractive?: boolean;
  oidcDeviceFlow?: boolean;
}

/** What identity-token.ts needs to log a person in: the flags, and the login itself. */
export function loginRequest(o: LoginFlags, issuer = o.oidcIssuer): LoginRequest {
  return {
    oidcInteractive: o.oidcInteractive,
    oidcDeviceFlow: o.oidcDeviceFlow,
    oidcIssuer: issuer,
    logIn: async (request) => (await (await import('../node/login/index.ts')).login(request)).token,
  };
}

/** `--oidc-issuer`, `--oidc-interactive`, `--oidc-device-flow`: logging in to sign as a person. */
export function addLoginOptions(cmd: Command): Command {
  return cmd
    .addOption(
      once(
        '--oidc-issuer <url>',
        'where a login goes (default $SEALBOX_OIDC_ISSUER, else https://oauth2.sigstore.dev/auth)',
      ),
    )
    .option(
      '--oidc-interactive',
      'log in through a browser to sign as yourself (the default on a terminal when no token is at hand)',
    )
    .option(
      '--oidc-device-flow',
      'log in on another device: print an address and a code to enter there (no browser here)',
    );
}

/** The most threads `--workers` may ask for: each worker costs a heap of its own. */
export const MAX_WORKERS = 256;

/** `--workers N`: a whole number from 1 to MAX_WORKERS, or undefined for the default. */
export function parseWorkers(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS)
    throw new SealboxError(
      'USAGE',
      `--workers ${value}: give a whole number from 1 to ${MAX_WORKERS}`,
    );
  return n;
}

/** A repeatable option's values, in order (e.g. -f key=value). */
export function collectField(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
