// The sealbox command line: a thin layer over the library. Each command's
// module is loaded only when that command runs, so start-up stays small.
// Exit codes: 0 success; 1 verification failed; 2 usage, input or refusal.
import { Command, CommanderError, Option } from 'commander';
import { SealboxError, isSealboxError, describe } from '../errors.ts';
import { setJqFilter } from './output.ts';
import { BOX_DEFAULTS } from '../node/box-defaults.ts';
import { addEventsOption } from './events.ts';
import {
  addFormatOption,
  addLoginOptions,
  addPolicyOptions,
  addTrustedRootOption,
  collectField,
  once,
} from './options.ts';

type Action = (...args: never[]) => Promise<number>;

/** Boxes are keyless with a fixed statement, and refuse self-hosted runners unless allowed. */
const BOX_POLICY = { key: false, predicateType: false, runner: 'allow' } as const;

let exitCode = 0;
function run<A extends Action>(load: () => Promise<A>) {
  return async (...args: Parameters<A>) => {
    const action = await load();
    exitCode = await action(...args);
  };
}

/**
 * Stands in for the commands a run does not dispatch to: every builder call
 * on it (description, arguments, options, subcommands, the action) does
 * nothing and returns it. Registering options is most of commander's
 * start-up, so a run registers its own command alone.
 */
const skipped: Command = new Proxy(Object.create(null), { get: () => () => skipped });

/** The program; with `only`, that top-level command alone (none if there is no such command). */
function build(only?: string): Command {
  const program = new Command('sealbox')
    .description('Sealed boxes and signed result envelopes on Sigstore, verifiable offline.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(`sealbox: ${str.replace(/^error: /, '')}`),
    })
    .showSuggestionAfterError()
    .hook('preAction', async (_program, command) => {
      // --events streams; --format json and --jq print one document: not both.
      if (
        command.opts().events !== undefined &&
        (command.opts().jq !== undefined ||
          (command.getOptionValueSource('format') === 'cli' && command.opts().format === 'json'))
      )
        throw new SealboxError(
          'USAGE',
          '--events prints a stream of JSON lines; --format json and --jq print one document: give one of them',
        );
      // --jq EXPR implies --format json, as in gh; with another format it is a usage error.
      const jq = command.opts().jq as string | undefined;
      if (jq === undefined) return;
      if (command.getOptionValueSource('format') === 'cli' && command.opts().format !== 'json')
        throw new SealboxError('USAGE', '--jq filters JSON: give it with --format json');
      command.setOptionValue('format', 'json');
      const { jqFilter } = await import('./jq.ts');
      setJqFilter(await jqFilter(jq));
    });
  if (only !== undefined) {
    const register = program.command.bind(program) as (nameAndArgs: string) => Command;
    program.command = ((nameAndArgs: string) =>
      nameAndArgs.split(' ')[0] === only ? register(nameAndArgs) : skipped) as never;
  }

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
            '-b, --bundle <file>',
            'Sigstore bundle JSON, or JSON Lines of bundles (- for standard input)',
          ),
        )
        .option(
          '--from-github',
          "instead of --bundle: fetch the bundles from --repo's attestation API (GITHUB_API_URL, GITHUB_TOKEN); verification stays offline",
        ),
    ),
  ).action(run(async () => (await import('./verify.ts')).verifyCommand));

  addFormatOption(
    addPolicyOptions(
      program
        .command('verify-batch')
        .description(
          'verify many bundles on a pool of threads: a directory of NAME and NAME.sigstore.json, or JSON Lines of {artifact, bundle}',
        )
        .argument('<dir-or-jsonl>')
        .addOption(
          once(
            '--workers <n>',
            'threads verifying: this one and n - 1 workers (default: one per core)',
          ),
        ),
    ),
  ).action(run(async () => (await import('./verify-batch.ts')).verifyBatchCommand));

  addFormatOption(
    addTrustedRootOption(
      program
        .command('verify-bundle')
        .description('verify a bundle as the sigstore-conformance client protocol calls it')
        .argument('<file-or-digest>')
        .option('--staging', 'use the Sigstore staging instance (not available)')
        .addOption(once('--bundle <file>', 'Sigstore bundle').makeOptionMandatory())
        .addOption(once('--certificate-identity <identity>', "the certificate's SAN, exactly"))
        .addOption(
          once('--certificate-oidc-issuer <url>', "the certificate's OIDC issuer, exactly"),
        )
        .addOption(once('--key <pem>', 'PEM public key for a key-signed bundle')),
      'trusted root JSON',
    ),
  ).action(run(async () => (await import('./verify-bundle.ts')).verifyBundleCommand));

  addLoginOptions(
    program
      .command('sign-bundle')
      .description('sign as the sigstore-conformance client protocol calls it')
      .argument('<file>')
      .option('--staging', 'use the Sigstore staging instance (not available)')
      .option('--in-toto', 'FILE is an in-toto statement: sign it as DSSE')
      .addOption(
        once(
          '--identity-token <token>',
          'OIDC identity token (default SIGSTORE_ID_TOKEN, the Actions token protocol, or a login)',
        ),
      )
      .addOption(once('--bundle <file>', 'where to write the bundle').makeOptionMandatory())
      .addOption(
        once('--trusted-root <file>', 'trusted root JSON (accepted; signing does not need it)'),
      )
      .addOption(
        once(
          '--signing-config <file>',
          'SigningConfig JSON naming the services (and the issuer a login goes to)',
        ),
      ),
  ).action(run(async () => (await import('./sign-bundle.ts')).signBundleCommand));

  const attest = addFormatOption(
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
          'OIDC token (default SIGSTORE_ID_TOKEN, then the Actions token protocol, then a login on a terminal)',
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
  );
  addLoginOptions(attest).action(run(async () => (await import('./attest.ts')).attestCommand));

  program
    .command('keygen')
    .description('make an Ed25519 dev key (PKCS#8 PEM, mode 0600) and KEY.pub beside it')
    .addOption(once('-o, --out <key>', 'private key path (default sealbox-dev.key)'))
    .action(run(async () => (await import('./keygen.ts')).keygenCommand));

  const envelope = program
    .command('envelope')
    .description('signed result envelopes: sealbox v1 and InferenceBench v1');
  const formatIn = () =>
    new Option('--format-in <format>', 'force the input format').choices([
      'sealbox',
      'inferencebench',
    ]);
  addFormatOption(
    envelope
      .command('hash')
      .description("print an envelope's content hash")
      .argument('<file>')
      .addOption(formatIn()),
  ).action(run(async () => (await import('./envelope.ts')).hashCommand));
  const envelopeSign = envelope
    .command('sign')
    .description('sign an envelope with a dev key or keyless through Sigstore')
    .argument('<file>')
    .addOption(once('--dev-key <key>', 'Ed25519 private key (PEM)'))
    .option('--keyless', 'sign keyless through Sigstore (identity as for attest)')
    .addOption(once('-o, --out <file>', 'output (default FILE.signed.json, never overwritten)'))
    .addOption(formatIn())
    .addOption(
      new Option('--format-out <format>', 'write this format (default sealbox)').choices([
        'sealbox',
        'inferencebench',
      ]),
    )
    .addOption(
      once(
        '--identity-token <token>',
        'OIDC token for --keyless (default SIGSTORE_ID_TOKEN, the Actions token protocol, then a login on a terminal)',
      ),
    )
    .addOption(once('--fulcio-url <url>', 'Fulcio'))
    .addOption(once('--rekor-url <url>', 'Rekor'))
    .addOption(once('--tsa-url <url>', 'timestamp authority'))
    .option('--no-tlog', 'with --dev-key in sealbox format: do not log to Rekor');
  addLoginOptions(envelopeSign).action(
    run(async () => (await import('./envelope.ts')).signCommand),
  );
  addFormatOption(
    addPolicyOptions(
      envelope
        .command('verify')
        .description('verify envelopes: files, directories or globs')
        .argument('<paths...>')
        .addOption(
          new Option(
            '--dev-public-key <pem>',
            'trust anchor for dev-key envelopes: a PEM file or a directory of them (repeatable)',
          ).argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]),
        )
        .addOption(
          once('--trust-policy <name-or-file>', 'a named trust policy, or a JSON/YAML policy file'),
        )
        .addOption(formatIn())
        .addOption(
          once(
            '--workers <n>',
            'threads verifying many envelopes: this one and n - 1 workers (default: one per core)',
          ),
        ),
      { predicateType: false, inferenceBenchNames: true },
    ),
  ).action(run(async () => (await import('./envelope.ts')).verifyCommand));
  addFormatOption(
    envelope
      .command('fetch')
      .description(
        'fetch an envelope (https://, hf://datasets/ORG/REPO/PATH[@REV], file://) into the cache',
      )
      .argument('<uri>')
      .addOption(once('--max-bytes <n>', 'size limit (default 16 MiB)'))
      .addOption(once('--timeout <seconds>', 'give up after this long (default 30)')),
  ).action(run(async () => (await import('./envelope.ts')).fetchCommand));

  const box = program
    .command('box')
    .description('sealed boxes: attested computation over encrypted submissions');
  addEventsOption(
    addFormatOption(
      addPolicyOptions(
        box
          .command('verify')
          .description(
            "verify a box's manifest, result and their link (default signer: sealbox's reusable box workflow)",
          )
          .argument(
            '<box>',
            'OWNER/REPO#ISSUE, an issue or run URL, or a directory with manifest.json, manifest.sigstore.json, result.json, result.sigstore.json',
          )
          .addOption(
            once(
              '--receipt <file>',
              'your submission receipt: check it is in the result, accepted',
            ),
          )
          .addOption(
            once(
              '--reply-proof <file>',
              'a reply document someone revealed (box reply --out): check the box told them that',
            ),
          )
          .option(
            '--show-workflow',
            'also print the caller and box workflow files at the commits the attestation names',
          )
          .addOption(
            once(
              '--export <dir>',
              'write an evidence pack: the four files and verify.html, which verifies them in a browser from the folder',
            ),
          ),
        BOX_POLICY,
      ),
    ),
  ).action(run(async () => (await import('./box.ts')).boxVerifyCommand));
  addEventsOption(
    box
      .command('host')
      .description(
        'inside the job: the whole ceremony in one process (reusable workflow, or the Action)',
      )
      .requiredOption('--computation <name>', 'reveal, auction, tally, stats, ceremony or exec')
      .addOption(once('--parameters <json>', 'computation parameters as JSON'))
      .option('--window <seconds>', 'how long submissions are open', BOX_DEFAULTS.window)
      .option(
        '--max-submissions <n>',
        'accepted submissions at most',
        BOX_DEFAULTS['max-submissions'],
      )
      .option('--max-bytes <n>', 'comment size limit in bytes', BOX_DEFAULTS['max-bytes'])
      .addOption(
        new Option('--one-per-author <rule>', 'which submission of an author counts')
          .choices(['first', 'last'])
          .default(BOX_DEFAULTS['one-per-author']),
      )
      .addOption(
        once('--allowed-authors <ids>', 'numeric GitHub user ids, comma-separated (default: open)'),
      )
      .option(
        '--min-participants <n>',
        'withhold non-revealing outputs below this',
        BOX_DEFAULTS['min-participants'],
      )
      .addOption(
        new Option('--suite <suite>', 'HPKE suite')
          .choices(['x-wing', 'x25519'])
          .default(BOX_DEFAULTS.suite),
      )
      .option(
        '--signed-submissions',
        "require each submission to be signed with one of its author's GitHub SSH signing keys",
      )
      .option('--out <dir>', 'where to write the four box files', '.')
      .option('--allow-self-hosted-runners', 'run on a self-hosted runner anyway')
      .option(
        '--trusted-exec',
        'exec: run the command as this user when no separate user can be made (local use only)',
      ),
  ).action(run(async () => (await import('./box.ts')).boxHostCommand));
  addEventsOption(
    addFormatOption(
      addPolicyOptions(
        box
          .command('submit')
          .description('submit to a box: check its manifest, seal, post once, keep a receipt')
          .argument('<box>', 'OWNER/REPO#ISSUE, or an issue or run URL')
          .addOption(once('--file <file>', 'the message (default, or -: standard input)'))
          .option('--print', 'print the armour to paste by hand instead of posting')
          .addOption(
            once(
              '--author-id <n>',
              'with --print: seal for this numeric GitHub user id (the account that will post it); no token needed',
            ),
          )
          .addOption(
            once(
              '--sign-with <key>',
              'sign the submission with this SSH key (a signing key of your GitHub account; a box with signed submissions requires it)',
            ),
          )
          .addOption(
            once(
              '--receipt-out <file>',
              'receipt path (default sealbox-receipt-BOX.json, then -2, -3, ... beside it; never overwritten)',
            ),
          )
          .addOption(
            once(
              '--reply-key-out <file>',
              'where your reply key goes (default sealbox-reply-key-BOX.json, mode 0600; never in the receipt)',
            ),
          )
          .option('--no-reply-key', 'attach no reply key: the box cannot answer you privately'),
        BOX_POLICY,
      ),
    ),
  ).action(run(async () => (await import('./box.ts')).boxSubmitCommand));
  addEventsOption(
    addFormatOption(
      addPolicyOptions(
        box
          .command('reply')
          .description(
            "the box's private reply to your submission: verify the box, open the reply with your reply key, check its commitment (and a ceremony share)",
          )
          .argument(
            '<box>',
            'OWNER/REPO#ISSUE, an issue or run URL, or a directory with the four box files',
          )
          .addOption(
            once(
              '--reply-key <file>',
              'the reply key box submit wrote (sealbox-reply-key-BOX.json)',
            ),
          )
          .addOption(
            once('--receipt <file>', 'your receipt: names your submission (and is checked)'),
          )
          .addOption(
            once(
              '-o, --out <file>',
              'keep the reply as a reply document (mode 0600): proof of what you were told, a ceremony share',
            ),
          ),
        BOX_POLICY,
      ),
    ),
  ).action(run(async () => (await import('./box-reply.ts')).boxReplyCommand));

  addEventsOption(
    addFormatOption(
      addPolicyOptions(
        box
          .command('run')
          .description(
            "the operator's one command: dispatch the box workflow, verify its manifest, print the address, wait, verify the result",
          )
          .addOption(
            once(
              '--workflow <file>',
              'the caller workflow file, e.g. auction.yml',
            ).makeOptionMandatory(),
          )
          .addOption(
            once(
              '--ref <ref>',
              'branch or tag to run the workflow from (default: the default branch)',
            ),
          )
          .option('-f, --field <key=value>', 'a workflow input (repeatable)', collectField)
          .option('--interval <seconds>', 'how often to look at the run and the issue', '5')
          .option('--timeout <seconds>', 'give up after this long', String(6 * 3600 + 600)),
        BOX_POLICY,
      ),
    ),
  ).action(run(async () => (await import('./box-run.ts')).boxRunCommand));
  addEventsOption(
    addFormatOption(
      box
        .command('status')
        .description('where a box stands: open, closed, result posted (verifies nothing)')
        .argument('<box>', 'OWNER/REPO#ISSUE, or an issue or run URL'),
    ),
  ).action(run(async () => (await import('./box-status.ts')).boxStatusCommand));

  const ceremony = program
    .command('ceremony')
    .description('key ceremonies: a key made in a box, handed out as shares in private replies');
  addFormatOption(
    ceremony
      .command('combine')
      .description(
        "recombine a ceremony's private key from at least threshold shares (reply documents), each checked against the commitments",
      )
      .argument('<share...>', 'reply documents box reply --out wrote')
      .addOption(
        once(
          '-o, --out <key>',
          'private key path (default sealbox-ceremony-BOX.key, mode 0600); the public key goes to KEY.pub',
        ),
      ),
  ).action(run(async () => (await import('./ceremony.ts')).combineCommand));

  const roots = program
    .command('trusted-root')
    .description('the Sigstore trusted roots verification uses');
  addFormatOption(
    addTrustedRootOption(
      roots
        .command('show')
        .description('print the trusted roots in use, where each came from, and their contents'),
      'show this root instead',
    ),
  ).action(run(async () => (await import('./trusted-root.ts')).showCommand));
  addFormatOption(
    roots
      .command('update')
      .description(
        "fetch a Sigstore instance's trusted root through TUF and keep it for verification (verification itself stays offline)",
      )
      .addOption(
        once(
          '--instance <name>',
          "public-good (default), or github: GitHub's own instance, which signs private repositories' attestations",
        ),
      )
      .addOption(
        once(
          '--mirror <url>',
          "fetch from this TUF repository instead of the instance's own (the root is labelled by it)",
        ),
      )
      .addOption(
        once(
          '--tuf-root <file>',
          "the TUF root.json to start from instead of the instance's (for a repository of its own)",
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
    .addOption(
      once(
        '--users <logins>',
        'comma-separated GitHub logins: print a token for each (export lines)',
      ),
    )
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
  // Help and the version read the whole program; a command, only itself.
  const first = argv[0];
  const only =
    first !== undefined && !first.startsWith('-') && first !== 'help' ? first : undefined;
  try {
    let program = build(only);
    // Not a command: the whole program, whose error suggests the nearest names.
    if (only !== undefined && !program.commands.length) program = build();
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not errors; commander already printed its message.
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    // A library error (Octokit's) that carries ours: our line is the one to print.
    let cause: unknown = e;
    while (cause && !isSealboxError(cause)) cause = (cause as { cause?: unknown }).cause;
    if (isSealboxError(cause)) {
      process.stderr.write(`sealbox: ${cause.message}\n`);
      // A request given up on may still hold a socket open until the library's
      // own timeout; the answer is given, so do not wait for it.
      for (let c: unknown = cause; c; c = (c as { cause?: unknown }).cause)
        if (isSealboxError(c) && (c.code === 'NETWORK' || c.code === 'TIMEOUT')) {
          setTimeout(() => process.exit(2), 200).unref();
          break;
        }
      return 2;
    }
    process.stderr.write(`sealbox: internal error: ${describe(e)}\n`);
    if (process.env.SEALBOX_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 2;
  }
}
