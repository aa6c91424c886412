// Logging in through a browser: OAuth 2.0's authorization-code flow for a
// native app (RFC 8252) with PKCE (RFC 7636).
// - The redirect is a loopback one: a server on 127.0.0.1 (the IP literal,
//   not "localhost", which may resolve elsewhere) on a port the system picks
//   at random, path /auth/callback, listening for this one login only.
// - PKCE with S256: a fresh 32-byte verifier; only its hash goes in the URL,
//   so a code intercepted on its way back cannot be exchanged by another.
// - state: 32 random bytes; an answer carrying another state is refused
//   (a forged or stale redirect), and the login ends.
// - nonce: 32 random bytes; the ID token must carry it back.
// The code, verifier and token stay in memory and are never printed.
import { createServer, type ServerResponse } from 'node:http';
import { SealboxError } from '../../errors.ts';
import { CLIENT_ID, type Issuer } from './discovery.ts';
import { checkIdToken, type Identity } from './id-token.ts';
import {
  oauthReason,
  postForm,
  printable,
  randomValue,
  s256Challenge,
  type FormAnswer,
} from './oauth.ts';

export interface LoginContext {
  /** How long to wait for the person. */
  timeoutMs: number;
  /** Where lines for the person go (the terminal). */
  notify(line: string): void;
  /** Opens a browser on the URL; false when none can be. */
  open(url: string): boolean;
}

export interface LoggedIn extends Identity {
  token: string;
}

const CALLBACK = '/auth/callback';

function answerPage(res: ServerResponse, status: number, title: string, text: string): void {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'",
    connection: 'close',
  });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>\n`,
  );
}

interface Callback {
  params: URLSearchParams;
  res: ServerResponse;
}

export async function browserLogin(issuer: Issuer, o: LoginContext): Promise<LoggedIn> {
  const what = `login at ${issuer.url}`;
  if (!issuer.authorizationEndpoint)
    throw new SealboxError(
      'SERVICE',
      `${what}: the issuer has no authorization endpoint; log in with --oidc-device-flow`,
    );
  const verifier = randomValue();
  const state = randomValue();
  const nonce = randomValue();
  let settle: (c: Callback) => void = () => {};
  const callback = new Promise<Callback>((resolve) => (settle = resolve));
  let answered = false;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK) {
      res.writeHead(404, { connection: 'close' }).end();
      return;
    }
    if (answered) {
      answerPage(res, 409, 'Login over', 'This login has already been answered.');
      return;
    }
    answered = true;
    settle({ params: url.searchParams, res });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const { port } = server.address() as { port: number };
    const redirectUri = `http://127.0.0.1:${port}${CALLBACK}`;
    const authorize = new URL(issuer.authorizationEndpoint);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: redirectUri,
      scope: 'openid email',
      state,
      nonce,
      code_challenge: s256Challenge(verifier),
      code_challenge_method: 'S256',
    }))
      authorize.searchParams.set(k, v);
    const opened = o.open(authorize.href);
    o.notify(
      `to sign, log in at this address${opened ? ' (opening your browser)' : ' (open it in a browser)'}:`,
    );
    o.notify(`  ${authorize.href}`);
    o.notify(`waiting for the login, up to ${Math.round(o.timeoutMs / 1000)} s (Ctrl-C gives up)`);
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SealboxError(
              'LOGIN_EXPIRED',
              `${what}: no answer from the browser within ${Math.round(o.timeoutMs / 1000)} s (was it closed?); nothing signed`,
            ),
          ),
        o.timeoutMs,
      );
    });
    const { params, res } = await Promise.race([callback, deadline]);
    clearTimeout(timer);
    const fail = (e: SealboxError): never => {
      const page = e.message.startsWith(`${what}: `) ? e.message.slice(what.length + 2) : e.message;
      answerPage(res, 400, 'Login failed', page);
      throw e;
    };
    // RFC 6749 section 3.1: a parameter of the answer appears once at most.
    const repeated = [...new Set(params.keys())].filter((k) => params.getAll(k).length > 1);
    if (repeated.length)
      fail(
        new SealboxError(
          'LOGIN_FAILED',
          `${what}: the browser's answer carries ${repeated.map(printable).join(', ')} more than once; nothing signed`,
        ),
      );
    if (params.get('state') !== state)
      fail(
        new SealboxError(
          'LOGIN_FAILED',
          `${what}: the browser's answer carries another state than this login's request (a forged or stale answer); nothing signed`,
        ),
      );
    const error = params.get('error');
    if (error !== null) {
      const reason = oauthReason({
        error: printable(error),
        description: params.has('error_description')
          ? printable(params.get('error_description')!)
          : undefined,
      });
      fail(
        new SealboxError(
          error === 'access_denied' ? 'LOGIN_DENIED' : 'LOGIN_FAILED',
          error === 'access_denied'
            ? `${what}: the login was denied (${reason}); nothing signed`
            : `${what}: the issuer refused the login (${reason}); nothing signed`,
        ),
      );
    }
    const code = params.get('code');
    if (!code)
      fail(
        new SealboxError(
          'LOGIN_FAILED',
          `${what}: the browser's answer has no code; nothing signed`,
        ),
      );
    let exchanged: FormAnswer;
    try {
      exchanged = await postForm(
        issuer.tokenEndpoint,
        {
          grant_type: 'authorization_code',
          code: code!,
          redirect_uri: redirectUri,
          client_id: CLIENT_ID,
          code_verifier: verifier,
        },
        `${what}: token endpoint`,
      );
    } catch (e) {
      return fail(e as SealboxError);
    }
    if (!exchanged.ok)
      return fail(
        new SealboxError(
          'LOGIN_FAILED',
          `${what}: the issuer refused the code (${oauthReason(exchanged)}); nothing signed`,
        ),
      );
    const token = exchanged.body.id_token;
    if (typeof token !== 'string')
      return fail(
        new SealboxError(
          'LOGIN_FAILED',
          `${what}: the issuer's answer has no ID token; nothing signed`,
        ),
      );
    let identity: Identity;
    try {
      identity = await checkIdToken(token, issuer, { nonce });
    } catch (e) {
      return fail(e as SealboxError);
    }
    answerPage(
      res,
      200,
      'Logged in',
      `sealbox is signing${identity.email ? ` as ${identity.email}` : ''}. You can close this window and go back to the terminal.`,
    );
    return { token, ...identity };
  } finally {
    clearTimeout(timer);
    // Answers close their connections once sent; whatever else is open goes soon after.
    server.close();
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1000).unref();
  }
}
