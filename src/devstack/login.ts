// The local stack's login issuer: the counterpart, for a person signing from
// their own machine, of Sigstore's public-good issuer (Dex at
// https://oauth2.sigstore.dev/auth, client id `sigstore`). It speaks OAuth
// 2.0's authorization-code flow with PKCE (RFC 7636, S256 only) to loopback
// redirects (RFC 8252) and the device authorization grant (RFC 8628), asks
// for consent on a page (an account and an email address), and signs ID
// tokens under a name that does not depend on the stack's port. As Dex does,
// it names the upstream login in `federated_claims.connector_id`, which
// Fulcio records as the certificate's issuer.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { DEFAULT_RUN } from './identity.ts';
import { CONNECTORS, consentPage, devicePage, messagePage, type Connector } from './login-pages.ts';
import { IssuerKey, type OidcIssuer } from './oidc.ts';
import type { HandlerResult } from './sigstore-services.ts';
import type { KeyPair } from './state.ts';

/** The issuer's name, in its tokens and discovery document, whatever the stack's address. */
export const LOGIN_ISSUER = 'https://oauth2.sealbox.local/auth';
export const LOGIN_CLIENT_ID = 'sigstore';
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const CODE_LIFETIME_MS = 60_000;
const CONSENT_LIFETIME_MS = 10 * 60_000;
const TOKEN_LIFETIME_S = 600;
const USER_CODE_LETTERS = 'BCDFGHJKLMNPQRSTVWXZ';

export interface LoginFaults {
  /** The token endpoint answers with a token of the GitHub Actions issuer instead of its own. */
  foreignIssuer?: boolean;
}

interface Consent {
  email: string;
  connector: string;
}

interface AuthorizationRequest {
  redirectUri: string;
  state?: string;
  nonce?: string;
  challenge: string;
  expires: number;
}

interface Grant extends Consent {
  redirectUri: string;
  nonce?: string;
  challenge: string;
  expires: number;
}

interface DeviceGrant {
  userCode: string;
  expires: number;
  lastPoll?: number;
  status: 'pending' | 'denied' | Consent;
}

const random = () => randomBytes(24).toString('base64url');
const json = (status: number, body: unknown): HandlerResult => ({
  status,
  body: JSON.stringify(body),
  contentType: 'application/json',
  headers: { 'cache-control': 'no-store' },
});
const oauthError = (error: string, description: string, status = 400) =>
  json(status, { error, error_description: description });
const html = (status: number, body: string): HandlerResult => ({
  status,
  body,
  contentType: 'text/html; charset=utf-8',
});
const redirect = (location: string): HandlerResult => ({
  status: 302,
  body: '',
  headers: { location },
});

/** RFC 8252: a loopback redirect, http, at an IP literal or localhost, any port. */
function loopbackRedirect(value: string | null): URL | undefined {
  if (!value) return undefined;
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' || u.username || u.password || u.hash) return undefined;
    return ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname) ? u : undefined;
  } catch {
    return undefined;
  }
}

function withParams(base: string, params: Record<string, string | undefined>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.href;
}

/** A plain address: one @, something on both sides, no spaces (no regular expression to backtrack). */
function isEmail(value: string): boolean {
  const at = value.indexOf('@');
  return (
    value.length <= 254 &&
    at > 0 &&
    at === value.lastIndexOf('@') &&
    at < value.length - 1 &&
    !/\s/.test(value)
  );
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class LoginIssuer {
  readonly issuer = LOGIN_ISSUER;
  readonly faults: LoginFaults = {};
  /** Seconds a device code lives (RFC 8628 `expires_in`). */
  deviceCodeLifetime = 600;
  /** Seconds between polls the device flow asks for. */
  pollInterval = 1;
  /** Every ID token handed out, newest last (tests look for them where they must not be). */
  readonly issued: string[] = [];
  readonly #signing: IssuerKey;
  readonly #actions: OidcIssuer;
  readonly #requests = new Map<string, AuthorizationRequest>();
  readonly #codes = new Map<string, Grant>();
  readonly #devices = new Map<string, DeviceGrant>();

  constructor(key: KeyPair, actions: OidcIssuer) {
    this.#signing = new IssuerKey(key);
    this.#actions = actions;
  }

  jwks(): Promise<JSONWebKeySet> {
    return this.#signing.jwks();
  }

  discovery(baseUrl: string) {
    return {
      issuer: this.issuer,
      authorization_endpoint: `${baseUrl}/auth`,
      token_endpoint: `${baseUrl}/token`,
      device_authorization_endpoint: `${baseUrl}/device/code`,
      jwks_uri: `${baseUrl}/keys`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', DEVICE_GRANT],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      scopes_supported: ['openid', 'email'],
      claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'email', 'email_verified', 'nonce'],
    };
  }

  /** An ID token for a person, as Dex writes one for client `sigstore`. */
  async mint(consent: Consent, nonce?: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const user = consent.email.slice(0, consent.email.indexOf('@'));
    const token = await new SignJWT({
      email: consent.email,
      email_verified: true,
      federated_claims: { connector_id: consent.connector, user_id: user },
      ...(nonce === undefined ? {} : { nonce }),
    })
      .setProtectedHeader(this.#signing.header)
      .setIssuer(this.issuer)
      .setSubject(
        createHash('sha256').update(`${consent.connector}\n${consent.email}`).digest('base64url'),
      )
      .setAudience(LOGIN_CLIENT_ID)
      .setIssuedAt(now)
      .setExpirationTime(now + TOKEN_LIFETIME_S)
      .sign(this.#signing.key.privateKey);
    this.issued.push(token);
    return token;
  }

  /** Verifies a token as Fulcio would: signature by this issuer's key, issuer, audience, lifetime. */
  async verify(token: string): Promise<Record<string, unknown>> {
    const { payload } = await jwtVerify(token, createLocalJWKSet(await this.jwks()), {
      issuer: this.issuer,
      audience: LOGIN_CLIENT_ID,
      algorithms: ['ES256'],
    });
    return payload;
  }

  /**
   * Answers a request under the issuer's address `base` (`path` relative to
   * it, e.g. `/token`; `body` form-encoded).
   */
  async handle(
    method: string,
    path: string,
    query: URLSearchParams,
    body: string,
    base: string,
  ): Promise<HandlerResult> {
    this.#forgetExpired();
    const form = new URLSearchParams(body);
    if (method === 'GET' && path === '/.well-known/openid-configuration')
      return json(200, this.discovery(base));
    if (method === 'GET' && path === '/keys') return json(200, await this.jwks());
    if (method === 'GET' && path === '/auth') return this.#authorize(query);
    if (method === 'POST' && path === '/approve') return this.#approve(form);
    if (method === 'POST' && path === '/token') return this.#token(form);
    if (method === 'POST' && path === '/device/code') return this.#deviceCode(form, base);
    if (method === 'GET' && path === '/device')
      return html(200, devicePage({ userCode: query.get('user_code') ?? undefined }));
    if (method === 'POST' && path === '/device') return this.#approveDevice(form);
    return json(404, { message: 'Not Found' });
  }

  #forgetExpired(): void {
    const now = Date.now();
    for (const map of [this.#requests, this.#codes, this.#devices] as Map<
      string,
      { expires: number }
    >[])
      for (const [k, v] of map) if (v.expires < now - 60_000) map.delete(k);
  }

  #authorize(q: URLSearchParams): HandlerResult {
    const client = q.get('client_id');
    if (client !== LOGIN_CLIENT_ID)
      return html(400, messagePage('Unknown application', `No client ${client ?? '(none)'}.`));
    const redirectUri = loopbackRedirect(q.get('redirect_uri'));
    if (!redirectUri)
      return html(
        400,
        messagePage(
          'Redirect refused',
          'This client may only be sent back to http://127.0.0.1, http://[::1] or http://localhost (any port).',
        ),
      );
    const back = (error: string, description: string) =>
      redirect(
        withParams(redirectUri.href, {
          error,
          error_description: description,
          state: q.get('state') ?? undefined,
        }),
      );
    if (q.get('response_type') !== 'code')
      return back('unsupported_response_type', 'only response_type=code is supported');
    if (!(q.get('scope') ?? '').split(' ').includes('openid'))
      return back('invalid_scope', 'the scope must include openid');
    const challenge = q.get('code_challenge');
    if (!challenge || q.get('code_challenge_method') !== 'S256')
      return back('invalid_request', 'PKCE is required, with code_challenge_method=S256');
    const request = random();
    this.#requests.set(request, {
      redirectUri: redirectUri.href,
      state: q.get('state') ?? undefined,
      nonce: q.get('nonce') ?? undefined,
      challenge,
      expires: Date.now() + CONSENT_LIFETIME_MS,
    });
    return html(
      200,
      consentPage({ request, client: LOGIN_CLIENT_ID, redirect: redirectUri.origin }),
    );
  }

  #consentFrom(form: URLSearchParams): Consent | string {
    const email = (form.get('email') ?? '').trim();
    const connector = form.get('connector') ?? '';
    if (!isEmail(email)) return `${JSON.stringify(email)} is not an email address`;
    if (!CONNECTORS.some((c: Connector) => c.id === connector)) return 'choose an account';
    return { email, connector };
  }

  #approve(form: URLSearchParams): HandlerResult {
    const id = form.get('request') ?? '';
    const request = this.#requests.get(id);
    if (!request || request.expires < Date.now())
      return html(400, messagePage('Login expired', 'This login request is unknown or expired.'));
    const state = request.state;
    if (form.get('action') !== 'allow') {
      this.#requests.delete(id);
      return redirect(
        withParams(request.redirectUri, {
          error: 'access_denied',
          error_description: 'the user denied the request',
          state,
        }),
      );
    }
    const consent = this.#consentFrom(form);
    if (typeof consent === 'string')
      return html(
        400,
        consentPage({
          request: id,
          client: LOGIN_CLIENT_ID,
          redirect: new URL(request.redirectUri).origin,
          email: form.get('email') ?? undefined,
          connector: form.get('connector') ?? undefined,
          problem: consent,
        }),
      );
    this.#requests.delete(id);
    const code = random();
    this.#codes.set(code, {
      ...consent,
      redirectUri: request.redirectUri,
      nonce: request.nonce,
      challenge: request.challenge,
      expires: Date.now() + CODE_LIFETIME_MS,
    });
    return redirect(withParams(request.redirectUri, { code, state }));
  }

  async #issue(consent: Consent, nonce?: string): Promise<HandlerResult> {
    const idToken = this.faults.foreignIssuer
      ? await this.#actions.mint(DEFAULT_RUN, { audience: LOGIN_CLIENT_ID })
      : await this.mint(consent, nonce);
    return json(200, {
      access_token: random(),
      token_type: 'bearer',
      expires_in: TOKEN_LIFETIME_S,
      id_token: idToken,
    });
  }

  async #token(form: URLSearchParams): Promise<HandlerResult> {
    if (form.get('client_id') !== LOGIN_CLIENT_ID)
      return oauthError('invalid_client', 'unknown client', 401);
    const grant = form.get('grant_type');
    if (grant === DEVICE_GRANT) return this.#pollDevice(form.get('device_code') ?? '');
    if (grant !== 'authorization_code')
      return oauthError('unsupported_grant_type', `grant_type ${grant ?? '(none)'}`);
    const code = form.get('code') ?? '';
    const issued = this.#codes.get(code);
    // A code is good for one exchange, whatever its outcome.
    this.#codes.delete(code);
    if (!issued || issued.expires < Date.now())
      return oauthError('invalid_grant', 'the code is unknown, used or expired');
    if (form.get('redirect_uri') !== issued.redirectUri)
      return oauthError('invalid_grant', 'redirect_uri differs from the authorization request');
    const verifier = form.get('code_verifier');
    if (!verifier) return oauthError('invalid_request', 'code_verifier is missing (PKCE)');
    if (!sameText(s256(verifier), issued.challenge))
      return oauthError(
        'invalid_grant',
        'the code_verifier does not match the code_challenge (PKCE)',
      );
    return this.#issue(issued, issued.nonce);
  }

  #deviceCode(form: URLSearchParams, base: string): HandlerResult {
    if (form.get('client_id') !== LOGIN_CLIENT_ID)
      return oauthError('invalid_client', 'unknown client', 401);
    const deviceCode = random();
    const letters = Array.from(
      { length: 8 },
      () => USER_CODE_LETTERS[randomInt(USER_CODE_LETTERS.length)],
    ).join('');
    const userCode = `${letters.slice(0, 4)}-${letters.slice(4)}`;
    this.#devices.set(deviceCode, {
      userCode,
      expires: Date.now() + this.deviceCodeLifetime * 1000,
      status: 'pending',
    });
    return json(200, {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: `${base}/device`,
      verification_uri_complete: withParams(`${base}/device`, { user_code: userCode }),
      expires_in: this.deviceCodeLifetime,
      interval: this.pollInterval,
    });
  }

  async #pollDevice(deviceCode: string): Promise<HandlerResult> {
    const grant = this.#devices.get(deviceCode);
    if (!grant) return oauthError('invalid_grant', 'the device code is unknown');
    const now = Date.now();
    if (grant.expires < now) {
      this.#devices.delete(deviceCode);
      return oauthError('expired_token', 'the device code expired');
    }
    if (grant.status === 'denied') {
      this.#devices.delete(deviceCode);
      return oauthError('access_denied', 'the user denied the request');
    }
    if (grant.status === 'pending') {
      const early = grant.lastPoll !== undefined && now - grant.lastPoll < this.pollInterval * 500;
      grant.lastPoll = now;
      return early
        ? oauthError('slow_down', 'polled too often')
        : oauthError('authorization_pending', 'not yet approved');
    }
    this.#devices.delete(deviceCode);
    return this.#issue(grant.status);
  }

  #approveDevice(form: URLSearchParams): HandlerResult {
    const typed = (form.get('user_code') ?? '').toUpperCase().replace(/[^A-Z]/g, '');
    const entry = [...this.#devices.values()].find(
      (d) => d.userCode.replace('-', '') === typed && d.status === 'pending',
    );
    if (!entry || entry.expires < Date.now())
      return html(400, devicePage({ problem: 'That code is unknown or expired.' }));
    if (form.get('action') !== 'allow') {
      entry.status = 'denied';
      return html(200, messagePage('Denied', 'The device will not be signed in.'));
    }
    const consent = this.#consentFrom(form);
    if (typeof consent === 'string')
      return html(400, devicePage({ userCode: entry.userCode, problem: consent }));
    entry.status = consent;
    return html(200, messagePage('Signed in', 'You can return to your terminal.'));
  }
}
