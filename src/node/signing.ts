// Signing with @sigstore/sign: keyless through Fulcio (the identity token
// comes from identity-token.ts) or with a key, witnessed by Rekor v1 and
// optionally a timestamp authority.
import { createPrivateKey, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { bundleToJSON } from '@sigstore/bundle';
import { SigningConfig } from '@sigstore/protobuf-specs';
import { decodeJwt } from 'jose';
import {
  bundleBuilderFromSigningConfig,
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  TSAWitness,
  type Signer,
  type Witness,
} from '@sigstore/sign';
import { SealboxError, describe } from '../errors.ts';
import { networkLimits, withServices } from './network.ts';

export const PUBLIC_GOOD = {
  fulcioUrl: 'https://fulcio.sigstore.dev',
  rekorUrl: 'https://rekor.sigstore.dev',
} as const;

/** GitHub's own Sigstore instance (private repositories): no public log, a timestamp instead. */
export const GITHUB_INSTANCE = {
  fulcioUrl: 'https://fulcio.githubapp.com',
  tsaUrl: 'https://timestamp.githubapp.com/api/v1/timestamp',
} as const;

export interface SigningEndpoints {
  fulcioUrl: string;
  /** Rekor base URL; undefined for no transparency log (key mode --no-tlog). */
  rekorUrl?: string;
  /** Rekor's major API version: 1 (default) or 2 (no integrated time: a TSA is needed). */
  rekorVersion?: 1 | 2;
  /** Full URL of an RFC 3161 timestamp authority, when one is wanted. */
  tsaUrl?: string;
}

/** Endpoints from flags, else the environment `sealbox dev up` prints, else Sigstore's public-good instance. */
export function endpointsFrom(
  flags: { fulcioUrl?: string; rekorUrl?: string; tsaUrl?: string },
  env = process.env,
): SigningEndpoints {
  return {
    fulcioUrl: flags.fulcioUrl ?? env.SEALBOX_FULCIO_URL ?? PUBLIC_GOOD.fulcioUrl,
    rekorUrl: flags.rekorUrl ?? env.SEALBOX_REKOR_URL ?? PUBLIC_GOOD.rekorUrl,
    tsaUrl: flags.tsaUrl ?? env.SEALBOX_TSA_URL,
  };
}

/** A signer holding a private key (ECDSA P-256 or Ed25519, PEM): key-signed bundles. */
export function keySigner(pem: string, label: string): Signer {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (e) {
    throw new SealboxError(
      'KEY_INVALID',
      `key ${label}: is not a PEM private key (${describe(e)})`,
    );
  }
  const type = privateKey.asymmetricKeyType;
  if (type !== 'ec' && type !== 'ed25519') {
    throw new SealboxError(
      'KEY_INVALID',
      `key ${label}: ${type} keys are not supported; use ECDSA P-256 or Ed25519`,
    );
  }
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    sign: async (data) => ({
      signature: cryptoSign(type === 'ec' ? 'sha256' : null, data, privateKey),
      key: { $case: 'publicKey', publicKey },
    }),
  };
}

function witnesses(endpoints: SigningEndpoints): Witness[] {
  const list: Witness[] = [];
  if (endpoints.rekorUrl)
    list.push(
      new RekorWitness({
        rekorBaseURL: endpoints.rekorUrl,
        majorApiVersion: endpoints.rekorVersion ?? 1,
        entryType: 'dsse',
        fetchOnConflict: true,
        retry: 1,
        timeout: networkLimits().totalMs,
      }),
    );
  if (endpoints.tsaUrl)
    list.push(
      new TSAWitness({ tsaBaseURL: endpoints.tsaUrl, retry: 1, timeout: networkLimits().totalMs }),
    );
  return list;
}

export interface SignOptions {
  endpoints: SigningEndpoints;
  /** Keyless: the identity token. */
  token?: string;
  /** Key mode: the signer. */
  signer?: Signer;
  /** Or: a SigningConfig JSON (the conformance protocol's --signing-config). */
  signingConfig?: unknown;
}

/**
 * The claims Sigstore's client reads from an identity token before Fulcio
 * sees it (iss, sub, email), each text when present: anything else would end
 * in a library's TypeError. The token's signature is Fulcio's to check.
 */
export function checkTokenClaims(token: string): void {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new SealboxError('INPUT_INVALID', 'the identity token is not a JWT');
  }
  for (const name of ['iss', 'sub', 'email'] as const) {
    const value = claims[name];
    if (value !== undefined && typeof value !== 'string')
      throw new SealboxError('INPUT_INVALID', `the identity token: its ${name} claim is not text`);
  }
}

function signerFor(options: SignOptions): Signer {
  if (options.signer) return options.signer;
  if (!options.token) throw new SealboxError('NO_IDENTITY', 'no identity token');
  const token = options.token;
  return new FulcioSigner({
    fulcioBaseURL: options.endpoints.fulcioUrl,
    identityProvider: { getToken: async () => token },
    retry: 1,
    timeout: networkLimits().totalMs,
  });
}

// @sigstore/sign reports failures as InternalError with a code and an HTTP cause.
function serviceError(e: unknown, endpoints: SigningEndpoints): SealboxError {
  if (e instanceof SealboxError) return e;
  const err = e as {
    code?: string;
    message?: string;
    cause?: { message?: string; code?: string; cause?: { code?: string } };
  };
  const service =
    err.code === 'CA_CREATE_SIGNING_CERTIFICATE_ERROR'
      ? `Fulcio at ${endpoints.fulcioUrl}`
      : err.code?.startsWith('TLOG')
        ? `Rekor at ${endpoints.rekorUrl}`
        : err.code === 'TSA_CREATE_TIMESTAMP_ERROR'
          ? `timestamp authority at ${endpoints.tsaUrl}`
          : 'signing';
  const cause = err.cause;
  const reason =
    cause?.code === 'ECONNREFUSED' ||
    cause?.cause?.code === 'ECONNREFUSED' ||
    /ECONNREFUSED/.test(cause?.message ?? '')
      ? 'unreachable (connection refused)'
      : describe(cause?.message ? cause.message : e);
  return new SealboxError('SERVICE', `${service}: ${reason}`, { cause: e });
}

async function build(
  kind: 'dsse' | 'message',
  data: Uint8Array,
  type: string | undefined,
  options: SignOptions,
): Promise<Bundle> {
  if (options.token && !options.signer) checkTokenClaims(options.token);
  try {
    const builder = options.signingConfig
      ? bundleBuilderFromSigningConfig({
          signingConfig: SigningConfig.fromJSON(options.signingConfig),
          identityProvider: { getToken: async () => options.token ?? '' },
          bundleType: kind === 'dsse' ? 'dsseEnvelope' : 'messageSignature',
        })
      : kind === 'dsse'
        ? new DSSEBundleBuilder({
            signer: signerFor(options),
            witnesses: witnesses(options.endpoints),
          })
        : new MessageSignatureBundleBuilder({
            signer: signerFor(options),
            witnesses: witnesses(options.endpoints),
          });
    // Sigstore's client has a total timeout only: each service must first
    // accept a connection within the connect timeout, and the whole signing
    // gets one deadline.
    const ep = options.endpoints;
    const services: [string, string][] = options.signingConfig
      ? []
      : [
          ...(options.signer ? [] : [['Fulcio', ep.fulcioUrl] as [string, string]]),
          ...(ep.rekorUrl ? [['Rekor', ep.rekorUrl] as [string, string]] : []),
          ...(ep.tsaUrl ? [['the timestamp authority', ep.tsaUrl] as [string, string]] : []),
        ];
    return await withServices(services, 'signing', () =>
      builder.create({ data: Buffer.from(data), type }),
    );
  } catch (e) {
    throw serviceError(e, options.endpoints);
  }
}

/** Signs an in-toto statement as a DSSE envelope; returns the bundle's JSON. */
export async function signStatement(statement: Uint8Array, options: SignOptions): Promise<unknown> {
  return bundleToJSON(await build('dsse', statement, 'application/vnd.in-toto+json', options));
}

/** Signs an artifact as a message signature (hashedrekord); returns the bundle's JSON. */
export async function signMessage(artifact: Uint8Array, options: SignOptions): Promise<unknown> {
  return bundleToJSON(await build('message', artifact, undefined, options));
}
