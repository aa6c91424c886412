// A person's login for keyless signing from their own machine: discover the
// issuer, then the browser flow (the default) or the device flow. Returns
// the ID token, which the caller hands to Fulcio and keeps nowhere else.
//
// The issuer: --oidc-issuer, else the one a signing config names, else
// SEALBOX_OIDC_ISSUER, else Sigstore's public-good login. SEALBOX_LOGIN_TIMEOUT
// (seconds, default 300) bounds the wait for the person.
import { SealboxError } from '../../errors.ts';
import { openBrowser } from './browser.ts';
import { browserLogin, type LoggedIn } from './browser-flow.ts';
import { deviceLogin } from './device-flow.ts';
import { PUBLIC_GOOD_ISSUER, discover } from './discovery.ts';
import { MAX_TIMER_SECONDS } from '../network.ts';

export { PUBLIC_GOOD_ISSUER } from './discovery.ts';
export type { LoggedIn } from './browser-flow.ts';

export interface LoginOptions {
  /** The issuer's URL (--oidc-issuer, or a signing config's); default from the environment. */
  issuer?: string;
  /** RFC 8628 instead of a browser. */
  deviceFlow?: boolean;
  env?: NodeJS.ProcessEnv;
  notify?: (line: string) => void;
}

function loginTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env.SEALBOX_LOGIN_TIMEOUT;
  if (raw === undefined || raw === '') return 300_000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_TIMER_SECONDS)
    throw new SealboxError(
      'USAGE',
      `SEALBOX_LOGIN_TIMEOUT=${raw}: give a number of seconds above 0 and at most ${MAX_TIMER_SECONDS}`,
    );
  return n * 1000;
}

export function loginIssuer(given: string | undefined, env: NodeJS.ProcessEnv): string {
  return given ?? (env.SEALBOX_OIDC_ISSUER || PUBLIC_GOOD_ISSUER);
}

export async function login(o: LoginOptions = {}): Promise<LoggedIn> {
  const env = o.env ?? process.env;
  const notify = o.notify ?? ((line: string) => process.stderr.write(`sealbox: ${line}\n`));
  const timeoutMs = loginTimeoutMs(env);
  const issuer = await discover(loginIssuer(o.issuer, env));
  const context = { timeoutMs, notify, open: (url: string) => openBrowser(url, env) };
  const loggedIn = o.deviceFlow
    ? await deviceLogin(issuer, context)
    : await browserLogin(issuer, context);
  const who = loggedIn.email ?? 'the identity the issuer named';
  notify(`logged in as ${who}${loggedIn.upstream ? ` (through ${loggedIn.upstream})` : ''}`);
  return loggedIn;
}
