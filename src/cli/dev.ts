// `sealbox dev up [--state DIR] [--port N] [--users a,b,...]`: the local stack
// until Ctrl-C, with a token for each user named, printed as export lines.
import { DevStack } from '../devstack/stack.ts';
import { SealboxError } from '../errors.ts';

// GitHub's rule: alphanumerics and single hyphens, not at either end, at most 39.
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** The shell variable that holds a user's token: SEALBOX_TOKEN_ALICE, SEALBOX_TOKEN_MARY_JO. */
export const tokenVariable = (login: string) =>
  `SEALBOX_TOKEN_${login.toUpperCase().replace(/-/g, '_')}`;

function parseUsers(list: string | undefined): string[] {
  if (list === undefined) return [];
  const logins = list.split(',').map((l) => l.trim());
  const seen = new Map<string, string>();
  for (const login of logins) {
    if (!LOGIN.test(login))
      throw new SealboxError('USAGE', `--users: ${JSON.stringify(login)} is not a GitHub login`);
    const variable = tokenVariable(login);
    const other = seen.get(variable);
    if (other !== undefined)
      throw new SealboxError('USAGE', `--users: ${other} and ${login} are the same user`);
    seen.set(variable, login);
  }
  return logins;
}

export async function devUpCommand(o: {
  state?: string;
  port?: string;
  users?: string;
}): Promise<number> {
  const users = parseUsers(o.users);
  const stack = await DevStack.start({
    stateDir: o.state,
    port: o.port === undefined ? 0 : Number(o.port),
  });
  const env = stack.env();
  const userLines = users.map((login) => {
    const token = stack.github.tokenFor(login);
    return `export ${tokenVariable(login)}='${token}'  # ${login}, user id ${stack.github.user(login).id}`;
  });
  const lines = [
    `sealbox local stack on ${stack.url} (state ${stack.state.dir})`,
    `  Fulcio:        ${stack.fulcioUrl}`,
    `  Rekor:         ${stack.rekorUrl}`,
    `  TSA:           ${stack.tsaUrl}`,
    `  OIDC issuer:   ${stack.oidcUrl} (tokens say ${stack.issuer.issuer})`,
    `  login issuer:  ${stack.loginUrl} (people log in; tokens say ${stack.login.issuer})`,
    `  GitHub API:    ${stack.githubApiUrl}`,
    `  trusted root:  ${stack.trustedRootPath}`,
    `  sealbox:       sealbox/sealbox at ${stack.release.tag} (commit ${stack.release.commit}), a release of this stack only: callers use sealbox/sealbox/.github/workflows/box.yml@${stack.release.tag}`,
    '',
    '# In another shell, to act as a job of the simulated run (GITHUB_TOKEN acts as github-actions[bot]):',
    ...Object.entries(env).map(([k, v]) => `export ${k}='${v}'`),
    ...(userLines.length
      ? [
          '',
          '# Users: act as one with GITHUB_TOKEN=$SEALBOX_TOKEN_<LOGIN> (the owner of OWNER/REPO is its admin).',
          ...userLines,
        ]
      : []),
    '',
    '# To sign as a person instead (a login in the browser, or --oidc-device-flow), in a',
    "# shell without the job's variables:",
    `#   export SEALBOX_OIDC_ISSUER='${stack.loginUrl}' SEALBOX_FULCIO_URL='${stack.fulcioUrl}' SEALBOX_REKOR_URL='${stack.rekorUrl}'`,
    '#   npx sealbox envelope sign FILE --keyless --oidc-interactive',
    '# and verify with --cert-identity alice@example.com --cert-oidc-issuer https://github.com/login/oauth',
    '# (the address and account chosen on the consent page).',
    '',
    `# Verify what it signs with --trusted-root ${stack.trustedRootPath}`,
    '# (trusting the stack is your decision: no variable makes it for you).',
    '# Stop with Ctrl-C.',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stack.stop();
  process.stderr.write('sealbox: local stack stopped\n');
  return 0;
}
