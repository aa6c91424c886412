// Where a keyless signature's identity token comes from, in this order:
// 1. --identity-token;
// 2. a login the user asked for: --oidc-device-flow (RFC 8628), or
//    --oidc-interactive (a browser);
// 3. SIGSTORE_ID_TOKEN;
// 4. GitHub Actions' token protocol (audience `sigstore`);
// 5. with a person at a terminal (standard input and error both terminals),
//    a login through the browser.
// Commands without a person behind them (the Action, a box's job) never log in.
// A token from a login lives in memory only: never written, never printed.
import { SealboxError, describe } from '../errors.ts';
import { boundedBody, printable, timedFetch } from './network.ts';

export interface LoginRequest {
  /** Runs the login (src/node/login): given by the CLI only, so the Action's bundle holds none. */
  logIn: (o: { issuer?: string; deviceFlow: boolean; env: NodeJS.ProcessEnv }) => Promise<string>;
  /** --oidc-interactive: log in through a browser even without a terminal. */
  oidcInteractive?: boolean;
  /** --oidc-device-flow: log in on another device. */
  oidcDeviceFlow?: boolean;
  /** --oidc-issuer, or the issuer a signing config names. */
  oidcIssuer?: string;
  /** A person at a terminal (default: standard input and standard error are terminals). */
  terminal?: boolean;
}

export type IdentitySource =
  'given' | 'SIGSTORE_ID_TOKEN' | 'github-actions' | 'browser' | 'device' | 'none';

const atTerminal = () => Boolean(process.stdin.isTTY && process.stderr.isTTY);

/** Which source the token will come from (without fetching it). */
export function identitySource(
  given: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  login?: Omit<LoginRequest, 'logIn'>,
): IdentitySource {
  if (given) {
    if (login?.oidcInteractive || login?.oidcDeviceFlow)
      throw new SealboxError(
        'USAGE',
        `--identity-token and ${login.oidcDeviceFlow ? '--oidc-device-flow' : '--oidc-interactive'} cannot be combined: give a token or log in`,
      );
    return 'given';
  }
  if (login?.oidcDeviceFlow) return 'device';
  if (login?.oidcInteractive) return 'browser';
  if (env.SIGSTORE_ID_TOKEN) return 'SIGSTORE_ID_TOKEN';
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
    return 'github-actions';
  if (login && (login.terminal ?? atTerminal())) return 'browser';
  return 'none';
}

/** A person logs in: the token comes from an issuer they chose, through a browser or a code. */
export const isLogin = (source: IdentitySource) => source === 'browser' || source === 'device';

async function actionsToken(env: NodeJS.ProcessEnv): Promise<string> {
  const tokenUrl = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL!);
  tokenUrl.searchParams.set('audience', 'sigstore');
  let response: Response;
  try {
    response = await timedFetch('the OIDC token endpoint')(tokenUrl, {
      headers: {
        authorization: `bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}`,
        accept: 'application/json',
      },
    });
  } catch (e) {
    if (e instanceof SealboxError) throw e;
    throw new SealboxError(
      'SERVICE',
      `OIDC token endpoint ${tokenUrl.origin}: unreachable (${describe((e as Error).cause ?? e)})`,
    );
  }
  const what = `OIDC token endpoint ${tokenUrl.origin}`;
  const text = await boundedBody(response, 64 * 1024, what);
  let body: { value?: string; message?: string } = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') body = parsed;
  } catch {
    // not JSON: reported below as an answer without a token
  }
  if (!response.ok || typeof body.value !== 'string') {
    throw new SealboxError(
      'SERVICE',
      `${what}: ${response.status} ${typeof body.message === 'string' ? printable(body.message) : 'no token in the answer'}`,
    );
  }
  return body.value;
}

/**
 * The identity token from the first source that has one. `login` is given by
 * commands a person runs; without it, no login is ever started.
 */
export async function identityToken(
  given: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  login?: LoginRequest,
): Promise<string> {
  const source = identitySource(given, env, login);
  switch (source) {
    case 'given':
      return given!;
    case 'SIGSTORE_ID_TOKEN':
      return env.SIGSTORE_ID_TOKEN!;
    case 'github-actions':
      return actionsToken(env);
    case 'browser':
    case 'device':
      return login!.logIn({ issuer: login!.oidcIssuer, deviceFlow: source === 'device', env });
    case 'none':
      throw new SealboxError(
        'NO_IDENTITY',
        login
          ? 'no identity token: pass --identity-token, set SIGSTORE_ID_TOKEN, run in GitHub Actions with permissions id-token: write, or log in: --oidc-interactive (a browser) or --oidc-device-flow (a code to enter on any device)'
          : 'no identity token: pass --identity-token, set SIGSTORE_ID_TOKEN, or run in GitHub Actions with permissions id-token: write (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN)',
      );
  }
}
