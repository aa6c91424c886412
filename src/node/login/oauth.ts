// OAuth 2.0 plumbing shared by the two login flows: PKCE (RFC 7636, S256),
// random state and nonce, and form posts to the issuer with its error
// answers (RFC 6749 section 5.2) read, bounded.
import { createHash, randomBytes } from 'node:crypto';
import { SealboxError } from '../../errors.ts';
import { printable, timedFetch } from '../network.ts';
import { boundedJson } from './discovery.ts';

/** 32 random bytes, base64url: a PKCE verifier (43 characters), a state or a nonce. */
export const randomValue = () => randomBytes(32).toString('base64url');

/** RFC 7636's S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export const s256Challenge = (verifier: string) =>
  createHash('sha256').update(verifier, 'ascii').digest('base64url');

export type FormAnswer =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; status: number; error: string; description?: string };

export { printable };

/** POSTs a form to the issuer; an OAuth error answer comes back as such, anything else throws. */
export async function postForm(
  url: string,
  params: Record<string, string>,
  what: string,
): Promise<FormAnswer> {
  const response = await timedFetch('the OIDC issuer')(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(params),
  });
  const body = await boundedJson(response, what);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new SealboxError('SERVICE', `${what}: the answer is not a JSON object`);
  const record = body as Record<string, unknown>;
  if (response.ok) return { ok: true, body: record };
  if (typeof record.error !== 'string')
    throw new SealboxError('SERVICE', `${what}: ${response.status} without an OAuth error`);
  return {
    ok: false,
    status: response.status,
    error: printable(record.error),
    description:
      typeof record.error_description === 'string'
        ? printable(record.error_description)
        : undefined,
  };
}

/** "invalid_grant: the code expired", for messages. */
export const oauthReason = (a: { error: string; description?: string }) =>
  a.description ? `${a.error}: ${a.description}` : a.error;
