// The sealbox command line: a thin layer over the library. Each command's
// module is loaded only when that command runs, so start-up stays small.
// Exit codes: 0 success; 1 verification failed; 2 usage, input or refusal.
import { Command, CommanderError, Option } from 'commander';
import { isSealboxError, describe } from '../errors.ts';
import { addFormatOption, addPolicyOptions, once } from './options.ts';

type Action = (...args: never[]) => Promise<number>;

let exitCode = 0;
function run<A extends Action>(load: () => Promise<A>) {
  return async (...args: Parameters<A>) => {
    const action = await load();
    exitCode = await action(...args);
  };
}

function build(): Command {
  const program = new Command('sealbox')
    .description('Sealed boxes and signed result envelopes on Sigstore, verifiable offline.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(`sealbox: ${str.replace(/^error: /, '')}`),
    })
    .showSuggestionAfterError();

  addFormatOption(
    addPolicyOptions(
      program
        .command('verify')
        .description(
          'verify a Sigstore bundle for an artifact (or sha256:/sha512: digest) under an identity policy',
        )
        .argument('<artifact-or-digest>', 'a file, or sha256:HEX / sha512:HEX')
        .addOption(
          once(
            '--bundle <file>',
            'Sigstore bundle JSON, or JSON Lines of bundles',
          ).makeOptionMandatory(),
        ),
    ),
  ).action(run(async () => (await import('./verify.ts')).verifyCommand));

  addFormatOption(
    addPolicyOptions(
      program
        .command('verify-batch')
        .description(
          'verify many bundles on a worker pool: a directory of NAME and NAME.sigstore.json, or JSON Lines of {artifact, bundle}',
        )
        .argument('<dir-or-jsonl>')
        .addOption(once('--workers <n>', 'worker threads (default: one per core)')),
    ),
  ).action(run(async () => (await import('./verify-batch.ts')).verifyBatchCommand));

  addFormatOption(
    program
      .command('verify-bundle')
      .description('verify a bundle as the sigstore-conformance client protocol calls it')
      .argument('<file-or-digest>')
      .option('--staging', 'use the Sigstore staging instance (not available)')
      .addOption(once('--bundle <file>', 'Sigstore bundle').makeOptionMandatory())
      .addOption(once('--certificate-identity <identity>', "the certificate's SAN, exactly"))
      .addOption(once('--certificate-oidc-issuer <url>', "the certificate's OIDC issuer, exactly"))
      .addOption(once('--key <pem>', 'PEM public key for a key-signed bundle'))
      .addOption(once('--trusted-root <file>', 'trusted root JSON')),
  ).action(run(async () => (await import('./verify-bundle.ts')).verifyBundleCommand));

  program
    .command('sign-bundle')
    .description('sign as the sigstore-conformance client protocol calls it')
    .argument('<file>')
    .option('--staging', 'use the Sigstore staging instance (not available)')
    .option('--in-toto', 'FILE is an in-toto statement: sign it as DSSE')
    .addOption(once('--identity-token <token>', 'OIDC identity token').makeOptionMandatory())
    .addOption(once('--bundle <file>', 'where to write the bundle').makeOptionMandatory())
    .addOption(
      once('--trusted-root <file>', 'trusted root JSON (accepted; signing does not need it)'),
    )
    .addOption(once('--signing-config <file>', 'SigningConfig JSON naming the services'))
    .action(run(async () => (await import('./sign-bundle.ts')).signBundleCommand));

  addFormatOption(
    program
      .command('attest')
      .description(
        'attest files: an in-toto statement over their digests, signed as DSSE (SLSA provenance by default)',
      )
      .argument('<file...>')
      .addOption(once('--predicate-type <type>', 'predicate type of a custom predicate'))
      .addOption(once('--predicate <file>', 'custom predicate JSON'))
      .addOption(once('-o, --out <file>', 'bundle path (default FILE.sigstore.json)'))
      .addOption(
        once(
          '--identity-token <token>',
          'OIDC token (default SIGSTORE_ID_TOKEN, then the Actions token protocol)',
        ),
      )
      .addOption(
        once(
          '--key <pem>',
          'sign with this private key (ECDSA P-256 or Ed25519) instead of keyless',
        ),
      )
      .option(
        '--no-tlog',
        'with --key: do not log to Rekor (the bundle then verifies only with --insecure-ignore-tlog)',
      )
      .addOption(
        once('--fulcio-url <url>', 'Fulcio (default $SEALBOX_FULCIO_URL, else public-good)'),
      )
      .addOption(
        once('--rekor-url <url>', 'Rekor v1 (default $SEALBOX_REKOR_URL, else public-good)'),
      )
      .addOption(
        once(
          '--tsa-url <url>',
          'RFC 3161 timestamp authority (default $SEALBOX_TSA_URL, else none)',
        ),
      )
      .addOption(
        new Option(
          '--instance <name>',
          "Sigstore instance: public-good, or github (GitHub's own, for private repositories)",
        ).choices(['public-good', 'github']),
      )
      .addOption(
        new Option('--rekor-version <n>', "Rekor's API version (2 needs --tsa-url)").choices([
          '1',
          '2',
        ]),
      )
      .option('--no-upload', 'do not store the bundle to the attestation API'),
  ).action(run(async () => (await import('./attest.ts')).attestCommand));

  const roots = program
    .command('trusted-root')
    .description('the Sigstore trusted roots verification uses');
  addFormatOption(
    roots
      .command('show')
      .description('print the trusted root in use: its date and contents')
      .addOption(once('--trusted-root <file>', 'show this root instead')),
  ).action(run(async () => (await import('./trusted-root.ts')).showCommand));
  addFormatOption(
    roots
      .command('update')
      .description(
        "fetch Sigstore's public-good trusted root through TUF (the only command that goes online)",
      )
      .addOption(
        once('--mirror <url>', 'TUF repository (default https://tuf-repo-cdn.sigstore.dev)'),
      )
      .addOption(
        once(
          '--tuf-root <file>',
          "the TUF repository's initial root.json (for a mirror other than the default)",
        ),
      ),
  ).action(run(async () => (await import('./trusted-root.ts')).updateCommand));

  program
    .command('dev')
    .description(
      'the local stack: Sigstore, an OIDC issuer and a GitHub-compatible API on 127.0.0.1',
    )
    .command('up')
    .description('start the local stack and print the exports a shell needs; Ctrl-C stops it')
    .addOption(once('--state <dir>', "state directory (default: sealbox's cache folder)"))
    .addOption(once('--port <n>', 'port on 127.0.0.1 (default: a free one)'))
    .action(run(async () => (await import('./dev.ts')).devUpCommand));

  program
    .command('demo')
    .description('run a whole sealed-box auction on the embedded local stack')
    .option('--out <dir>', 'output directory', './sealbox-demo')
    .option('--state <dir>', "local stack state (default: sealbox's cache folder)")
    .option('--adversarial', 'add adversarial participants')
    .option('--participants <n>', 'number of honest participants')
    .action(run(async () => (await import('./demo.ts')).demoCommand));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await build().parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not errors; commander already printed its message.
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    if (isSealboxError(e)) {
      process.stderr.write(`sealbox: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`sealbox: internal error: ${describe(e)}\n`);
    if (process.env.SEALBOX_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 2;
  }
}
