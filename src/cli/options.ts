// Option helpers shared by commands: flags given once unless repeatable, the
// policy flags of `gh attestation verify`, and output formats.
import { Option, type Command } from 'commander';
import { SealboxError } from '../errors.ts';
import type { PolicyFlags } from '../policy/identity.ts';

/** A value option that is a usage error when given twice. */
export function once(flags: string, description: string): Option {
  const option = new Option(flags, description);
  return option.argParser((value: string, previous: unknown) => {
    if (previous !== undefined) {
      throw new SealboxError('USAGE', `${option.long} given twice; it takes one value`);
    }
    return value;
  });
}

export function addFormatOption(cmd: Command): Command {
  return cmd.addOption(
    new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
  );
}

/** The identity policy flags of `verify` (and of commands that take verify's policy). */
export function addPolicyOptions(cmd: Command): Command {
  return cmd
    .addOption(once('--owner <owner>', 'source repository owner (https://github.com/OWNER)'))
    .addOption(once('--repo <owner/repo>', 'source repository (https://github.com/OWNER/REPO)'))
    .addOption(
      once('--signer-repo <owner/repo>', 'the signing workflow belongs to this repository'),
    )
    .addOption(
      once(
        '--signer-workflow <workflow>',
        'the signing workflow: [HOST/]OWNER/REPO/.github/workflows/FILE.yml[@REF]',
      ),
    )
    .addOption(once('--cert-identity <uri>', "the certificate's identity (SAN), exactly"))
    .addOption(
      once('--cert-identity-regex <re>', 'a JavaScript regular expression the SAN must match'),
    )
    .addOption(
      once(
        '--cert-oidc-issuer <url>',
        'OIDC issuer (default https://token.actions.githubusercontent.com)',
      ),
    )
    .addOption(
      once('--source-ref <ref>', 'source ref the run was built from, e.g. refs/heads/main'),
    )
    .addOption(once('--source-digest <sha>', 'source commit the run was built from'))
    .option('--deny-self-hosted-runners', 'require a GitHub-hosted runner')
    .addOption(once('--predicate-type <type>', "the in-toto statement's predicate type"))
    .addOption(once('--key <pem>', 'verify a key-signed bundle against this PEM public key'))
    .option('--insecure-ignore-tlog', 'with --key: do not require a transparency log entry')
    .addOption(once('--trusted-root <file>', 'trusted root JSON, or JSON Lines of several'));
}

export interface PolicyOptions extends PolicyFlags {
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
    ['denySelfHostedRunners', '--deny-self-hosted-runners'],
  ];
  return names.filter(([k]) => o[k] !== undefined).map(([, flag]) => flag);
}

/** `--workers N`: a whole number of at least 1, or undefined for the default. */
export function parseWorkers(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new SealboxError('USAGE', `--workers ${value}: give a whole number of at least 1`);
  return n;
}

/** A repeatable option's values, in order (e.g. -f key=value). */
export function collectField(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
