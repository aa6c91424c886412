// `sealbox dev up [--state DIR] [--port N]`: the local stack until Ctrl-C.
import { DevStack } from '../devstack/stack.ts';

export async function devUpCommand(o: { state?: string; port?: string }): Promise<number> {
  const stack = await DevStack.start({
    stateDir: o.state,
    port: o.port === undefined ? 0 : Number(o.port),
  });
  const env = stack.env();
  const lines = [
    `sealbox local stack on ${stack.url} (state ${stack.state.dir})`,
    `  Fulcio:        ${stack.fulcioUrl}`,
    `  Rekor:         ${stack.rekorUrl}`,
    `  TSA:           ${stack.tsaUrl}`,
    `  OIDC issuer:   ${stack.oidcUrl} (tokens say ${stack.issuer.issuer})`,
    `  GitHub API:    ${stack.githubApiUrl}`,
    `  trusted root:  ${stack.trustedRootPath}`,
    '',
    '# In another shell, to act as a job of the simulated run:',
    ...Object.entries(env).map(([k, v]) => `export ${k}='${v}'`),
    '',
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
