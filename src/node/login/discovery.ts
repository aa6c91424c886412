// An OIDC issuer's discovery document (OpenID Connect Discovery 1.0): where
// to send the person, where to exchange codes and poll, and the keys that
// sign its tokens. Answers are bounded and checked before use.
import * as z from 'zod/mini';
import { SealboxError } from '../../errors.ts';
import { outOfBounds } from '../../bounded-json.ts';
import { boundedBody, timedFetch } from '../network.ts';

/** Sigstore's public-good login (Dex), as cosign and sigstore-python use it. */
export const PUBLIC_GOOD_ISSUER = 'https://oauth2.sigstore.dev/auth';
export const CLIENT_ID = 'sigstore';

export interface Issuer {
  /** Where the issuer was reached (what --oidc-issuer named). */
  url: string;
  /** The issuer's name: its tokens' `iss`. */
  name: string;
  authorizationEndpoint?: string;
  tokenEndpoint: string;
  deviceAuthorizationEndpoint?: string;
  jwksUri: string;
}

const schema = z.object({
  issuer: z.string('is missing'),
  authorization_endpoint: z.optional(z.string('is not a string')),
  token_endpoint: z.string('is missing'),
  device_authorization_endpoint: z.optional(z.string('is not a string')),
  jwks_uri: z.string('is missing'),
});

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** This machine: where plain http is allowed (a local stack), and only there. */
export function isLoopback(url: URL): boolean {
  return LOOPBACK.has(url.hostname);
}

/**
 * OpenID Connect Discovery: the document's `issuer` is the URL it was
 * fetched from. On this machine a local stack's issuer keeps one name
 * whatever its port, so there any name is taken (and its tokens must carry it).
 */
export function issuerNameAccepted(url: URL, name: string): boolean {
  return isLoopback(url) || name.replace(/\/+$/, '') === url.href.replace(/\/+$/, '');
}

/** An https URL, or http to this machine; `what` names it in the refusal. */
export function serviceUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SealboxError('USAGE', `${what} ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url)))
    throw new SealboxError(
      'USAGE',
      `${what} ${url.href}: give an https URL (http only to this machine)`,
    );
  return url;
}

const MAX_ANSWER = 1024 * 1024;

/** Reads a JSON answer of at most 1 MiB; `what` names the service in errors. */
export async function boundedJson(response: Response, what: string): Promise<unknown> {
  const text = await boundedBody(response, MAX_ANSWER, what);
  const why = outOfBounds(text, { maxLength: MAX_ANSWER, maxDepth: 16 });
  if (why) throw new SealboxError('SERVICE', `${what}: the answer ${why}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new SealboxError('SERVICE', `${what}: the answer is not JSON (${response.status})`);
  }
}

/** Fetches and checks the discovery document. */
export async function discover(issuerUrl: string): Promise<Issuer> {
  const url = serviceUrl(issuerUrl, '--oidc-issuer');
  const base = url.href.replace(/\/+$/, '');
  const what = `OIDC issuer ${base}`;
  const response = await timedFetch('the OIDC issuer')(`${base}/.well-known/openid-configuration`, {
    headers: { accept: 'application/json' },
  });
  if (!response.ok)
    throw new SealboxError(
      'SERVICE',
      `${what}: no discovery document (${response.status} for /.well-known/openid-configuration)`,
    );
  const parsed = schema.safeParse(await boundedJson(response, what));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SealboxError(
      'SERVICE',
      `${what}: discovery document: ${issue?.path.join('.') || 'document'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const d = parsed.data;
  if (!issuerNameAccepted(url, d.issuer))
    throw new SealboxError(
      'SERVICE',
      `${what}: its discovery document names another issuer (${d.issuer})`,
    );
  const endpoint = (value: string | undefined, name: string) =>
    value === undefined ? undefined : serviceUrl(value, `${what}: ${name}`).href;
  return {
    url: base,
    name: d.issuer,
    authorizationEndpoint: endpoint(d.authorization_endpoint, 'authorization_endpoint'),
    tokenEndpoint: endpoint(d.token_endpoint, 'token_endpoint')!,
    deviceAuthorizationEndpoint: endpoint(
      d.device_authorization_endpoint,
      'device_authorization_endpoint',
    ),
    jwksUri: endpoint(d.jwks_uri, 'jwks_uri')!,
  };
}
