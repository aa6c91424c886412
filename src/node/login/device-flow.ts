// Logging in on another device: OAuth 2.0's device authorization grant
// (RFC 8628), for a machine without a browser. The terminal shows an address
// and a short code; the person approves on any device, while this polls the
// token endpoint at the interval the issuer asks for (more slowly when told
// `slow_down`) until approval, denial, or the code's expiry.
import * as z from 'zod/mini';
import { SealboxError } from '../../errors.ts';
import { CLIENT_ID, serviceUrl, type Issuer } from './discovery.ts';
import { checkIdToken } from './id-token.ts';
import { oauthReason, postForm } from './oauth.ts';
import type { LoggedIn, LoginContext } from './browser-flow.ts';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const authorization = z.object({
  device_code: z.string('is missing'),
  // Shown to the person: printable ASCII, short.
  user_code: z.string('is missing').check(z.regex(/^[\x21-\x7e]{1,64}$/, 'is not a short code')),
  verification_uri: z.string('is missing'),
  verification_uri_complete: z.optional(z.string('is not a string')),
  expires_in: z.number('is missing').check(z.positive('is not positive')),
  interval: z.optional(z.number('is not a number').check(z.positive('is not positive'))),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function deviceLogin(issuer: Issuer, o: LoginContext): Promise<LoggedIn> {
  const what = `login at ${issuer.url}`;
  if (!issuer.deviceAuthorizationEndpoint)
    throw new SealboxError(
      'SERVICE',
      `${what}: the issuer offers no device flow; log in through a browser (--oidc-interactive)`,
    );
  const started = await postForm(
    issuer.deviceAuthorizationEndpoint,
    { client_id: CLIENT_ID, scope: 'openid email' },
    `${what}: device authorization`,
  );
  if (!started.ok)
    throw new SealboxError(
      'LOGIN_FAILED',
      `${what}: the issuer refused a device login (${oauthReason(started)})`,
    );
  const parsed = authorization.safeParse(started.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SealboxError(
      'SERVICE',
      `${what}: device authorization: ${issue?.path.join('.') || 'answer'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const d = parsed.data;
  const address = serviceUrl(d.verification_uri, `${what}: verification_uri`).href;
  const complete =
    d.verification_uri_complete === undefined
      ? undefined
      : serviceUrl(d.verification_uri_complete, `${what}: verification_uri_complete`).href;
  const limitMs = Math.min(d.expires_in * 1000, o.timeoutMs);
  o.notify(`to sign, log in on any device: open ${address} and enter the code ${d.user_code}`);
  if (complete) o.notify(`  (or open ${complete})`);
  o.notify(`waiting for the approval, up to ${Math.round(limitMs / 1000)} s (Ctrl-C gives up)`);
  const deadline = Date.now() + limitMs;
  // An interval past the deadline would only wait longer than allowed (or overflow the timer).
  let interval = Math.min((d.interval ?? 5) * 1000, limitMs);
  // Poll until an answer other than "pending", or until past the deadline.
  for (;;) {
    // No poll after the deadline: the last wait ends there, then one line.
    const wait = Math.min(interval, deadline - Date.now());
    if (wait <= 0)
      throw new SealboxError(
        'LOGIN_EXPIRED',
        `${what}: no approval within ${Math.round(limitMs / 1000)} s; nothing signed`,
      );
    await sleep(wait);
    const polled = await postForm(
      issuer.tokenEndpoint,
      { grant_type: DEVICE_GRANT, device_code: d.device_code, client_id: CLIENT_ID },
      `${what}: token endpoint`,
    );
    if (polled.ok) {
      const token = polled.body.id_token;
      if (typeof token !== 'string')
        throw new SealboxError(
          'LOGIN_FAILED',
          `${what}: the issuer's answer has no ID token; nothing signed`,
        );
      return { token, ...(await checkIdToken(token, issuer, {})) };
    }
    switch (polled.error) {
      case 'authorization_pending':
        break;
      case 'slow_down':
        interval = Math.min(interval + 5000, limitMs);
        break;
      case 'access_denied':
        throw new SealboxError(
          'LOGIN_DENIED',
          `${what}: the login was denied (${oauthReason(polled)}); nothing signed`,
        );
      case 'expired_token':
        throw new SealboxError(
          'LOGIN_EXPIRED',
          `${what}: the device code expired before the login was approved (${oauthReason(polled)}); nothing signed`,
        );
      default:
        throw new SealboxError(
          'LOGIN_FAILED',
          `${what}: the issuer refused the device login (${oauthReason(polled)}); nothing signed`,
        );
    }
  }
}
