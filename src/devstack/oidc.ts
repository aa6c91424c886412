// The local OIDC issuer. It speaks GitHub Actions' token protocol and signs
// tokens that carry GitHub's issuer string, so that local bundles differ from
// real ones only in the root that trusts them. Its discovery document and
// JWKS are served at the stack's own address.
import { createHash, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, exportJWK, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { GITHUB_ACTIONS_ISSUER } from '../policy/identity.ts';
import { githubClaims, type RunIdentity } from './identity.ts';
import type { KeyPair } from './state.ts';

export interface TokenOptions {
  audience?: string;
  /** Seconds the token lives; negative for an already expired token. */
  lifetime?: number;
  /** Sign with another key (a token the issuer never published the key for). */
  signingKey?: KeyObject;
  /** Claims to add or override. */
  extra?: Record<string, unknown>;
}

/** An issuer's ES256 signing key: its key id, its JWKS, a JWT's header. */
export class IssuerKey {
  readonly key: KeyPair;
  readonly kid: string;
  #jwks?: JSONWebKeySet;

  constructor(key: KeyPair) {
    this.key = key;
    const spki = key.publicKey.export({ type: 'spki', format: 'der' });
    this.kid = createHash('sha256').update(spki).digest('hex').slice(0, 16);
  }

  async jwks(): Promise<JSONWebKeySet> {
    this.#jwks ??= {
      keys: [{ ...(await exportJWK(this.key.publicKey)), kid: this.kid, alg: 'ES256', use: 'sig' }],
    };
    return this.#jwks;
  }

  get header() {
    return { alg: 'ES256', kid: this.kid, typ: 'JWT' };
  }
}

export class OidcIssuer {
  readonly issuer = GITHUB_ACTIONS_ISSUER;
  readonly #signing: IssuerKey;

  constructor(key: KeyPair) {
    this.#signing = new IssuerKey(key);
  }

  jwks(): Promise<JSONWebKeySet> {
    return this.#signing.jwks();
  }

  discovery(baseUrl: string) {
    return {
      issuer: this.issuer,
      jwks_uri: `${baseUrl}/.well-known/jwks`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      claims_supported: [
        'sub',
        'aud',
        'exp',
        'iat',
        'iss',
        'jti',
        'nbf',
        'ref',
        'repository',
        'repository_id',
        'repository_owner',
        'repository_owner_id',
        'run_id',
        'run_number',
        'run_attempt',
        'actor',
        'actor_id',
        'workflow',
        'workflow_ref',
        'workflow_sha',
        'head_ref',
        'base_ref',
        'event_name',
        'ref_type',
        'environment',
        'job_workflow_ref',
        'job_workflow_sha',
        'repository_visibility',
        'runner_environment',
      ],
      id_token_signing_alg_values_supported: ['ES256'],
      scopes_supported: ['openid'],
    };
  }

  async mint(run: RunIdentity, options: TokenOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = options.lifetime ?? 300;
    return new SignJWT({ ...githubClaims(run), ...options.extra })
      .setProtectedHeader(this.#signing.header)
      .setIssuer(this.issuer)
      .setAudience(options.audience ?? 'sigstore')
      .setIssuedAt(Math.min(now, now + lifetime - 60))
      .setNotBefore(Math.min(now, now + lifetime - 60))
      .setExpirationTime(now + lifetime)
      .setJti(crypto.randomUUID())
      .sign(options.signingKey ?? this.#signing.key.privateKey);
  }

  /** Verifies a token as Fulcio would: signature by a published key, issuer, audience, lifetime. */
  async verify(token: string, audience = 'sigstore'): Promise<Record<string, unknown>> {
    const { payload } = await jwtVerify(token, createLocalJWKSet(await this.jwks()), {
      issuer: this.issuer,
      audience,
      algorithms: ['ES256'],
    });
    return payload;
  }
}
