// The ID token a login returns, checked before anything is signed with it:
// from the issuer asked (its `iss`), for client `sigstore`, signed by one of
// the issuer's published keys, unexpired, and for this login (its nonce).
// Fulcio checks it again; these checks make a wrong token one clear line here
// instead of a refusal from a service. The token itself is never printed.
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { SealboxError, describe } from '../../errors.ts';
import { timedFetch } from '../network.ts';
import { CLIENT_ID, boundedJson, type Issuer } from './discovery.ts';
import { printable } from './oauth.ts';

export interface Identity {
  /** The email address the token names, when it names one. */
  email?: string;
  /** The upstream login a federating issuer (Dex) went through: what Fulcio records as issuer. */
  upstream?: string;
}

async function issuerKeys(issuer: Issuer): Promise<JSONWebKeySet> {
  const what = `OIDC issuer ${issuer.url}`;
  const response = await timedFetch('the OIDC issuer')(issuer.jwksUri, {
    headers: { accept: 'application/json' },
  });
  if (!response.ok) throw new SealboxError('SERVICE', `${what}: its keys: ${response.status}`);
  const keys = await boundedJson(response, `${what}: its keys`);
  if (!Array.isArray((keys as { keys?: unknown })?.keys))
    throw new SealboxError('SERVICE', `${what}: its keys are not a JSON Web Key Set`);
  return keys as JSONWebKeySet;
}

export async function checkIdToken(
  token: string,
  issuer: Issuer,
  expected: { nonce?: string },
): Promise<Identity> {
  const what = `login at ${issuer.url}`;
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new SealboxError('TOKEN_INVALID', `${what}: the issuer answered with no valid ID token`);
  }
  if (claims.iss !== issuer.name)
    throw new SealboxError(
      'TOKEN_INVALID',
      `${what}: the ID token is from ${typeof claims.iss === 'string' ? printable(claims.iss) : 'no issuer'}, not from ${issuer.name}; nothing signed`,
    );
  try {
    await jwtVerify(token, createLocalJWKSet(await issuerKeys(issuer)), {
      issuer: issuer.name,
      audience: CLIENT_ID,
      clockTolerance: 60,
    });
  } catch (e) {
    if (e instanceof SealboxError) throw e;
    throw new SealboxError(
      'TOKEN_INVALID',
      `${what}: the ID token does not verify (${describe(e)}); nothing signed`,
    );
  }
  if (expected.nonce !== undefined && claims.nonce !== expected.nonce)
    throw new SealboxError(
      'TOKEN_INVALID',
      `${what}: the ID token was issued for another login (its nonce differs); nothing signed`,
    );
  const federated = claims.federated_claims as { connector_id?: unknown } | undefined;
  return {
    email: typeof claims.email === 'string' ? printable(claims.email) : undefined,
    upstream:
      typeof federated?.connector_id === 'string' ? printable(federated.connector_id) : undefined,
  };
}
