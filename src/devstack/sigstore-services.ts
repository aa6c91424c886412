// Local Fulcio (with its CT log), Rekor v1 and a timestamp authority, built
// from the handlers of Sigstore's own @sigstore/mock, with what the mock
// leaves out done here (see docs/NOTES-local-stack.md in the shared docs):
// - tokens are verified against the local issuer's keys before Fulcio sees
//   them (the mock only decodes them);
// - the certificate's SAN is what GitHub's Fulcio writes:
//   https://github.com/ + job_workflow_ref;
// - for a person's token from the login issuer, the SAN is the token's email
//   address (an rfc822Name) and the issuer the upstream login
//   (federated_claims.connector_id), as Fulcio configures Sigstore's Dex;
// - `dsse` entries are stored in Rekor's canonical form, not as proposed.
import { createHash } from 'node:crypto';
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  tsaHandler,
  type HandlerFn,
} from '@sigstore/mock';
import { HashAlgorithm, TransparencyLogEntry } from '@sigstore/protobuf-specs';
import { CreateEntryRequest, Entry } from '@sigstore/protobuf-specs/rekor/v2';
import { decodeJwt, UnsecuredJWT } from 'jose';
import { describe } from '../errors.ts';
import { emailCertificateAuthority } from './fulcio-email.ts';
import type { LoginIssuer } from './login.ts';
import type { OidcIssuer } from './oidc.ts';
import type { StackState } from './state.ts';

/** Names, not addresses: they go into checkpoints and the trusted root and must not change with the port. */
export const REKOR_ORIGIN = 'https://rekor.sealbox.local';
export const FULCIO_ORIGIN = 'https://fulcio.sealbox.local';
export const CTLOG_ORIGIN = 'https://ctlog.sealbox.local';
export const TSA_ORIGIN = 'https://tsa.sealbox.local';

export interface HandlerResult {
  status: number;
  body: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface SigstoreServices {
  fulcio(body: string): Promise<HandlerResult>;
  rekor(body: string): Promise<HandlerResult>;
  rekorV2(body: string): Promise<HandlerResult>;
  tsa(body: string): Promise<HandlerResult>;
  /** The trusted root JSON for this stack (first run's certificates). */
  trustedRoot: unknown;
}

const b64 = (bytes: ArrayBufferView) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();

async function call(fn: HandlerFn, body: string): Promise<HandlerResult> {
  const r = await fn(body);
  return {
    status: r.statusCode,
    body:
      typeof r.response === 'string'
        ? r.response
        : new Uint8Array(r.response.buffer, r.response.byteOffset, r.response.byteLength),
    contentType: r.contentType,
  };
}

const error = (status: number, message: string): HandlerResult => ({
  status,
  body: JSON.stringify({ code: status, message }),
  contentType: 'application/json',
});

/** Rekor's canonical form of a proposed `dsse` v0.0.1 entry. */
export function canonicalDsseEntry(proposed: {
  spec: { proposedContent: { envelope: string; verifiers: string[] } };
}): object {
  const { envelope, verifiers } = proposed.spec.proposedContent;
  const env = JSON.parse(envelope) as { payload: string; signatures: { sig: string }[] };
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(envelope).toString('hex') },
      payloadHash: {
        algorithm: 'sha256',
        value: sha256(Buffer.from(env.payload, 'base64')).toString('hex'),
      },
      signatures: env.signatures.map((s, i) => ({
        signature: s.sig,
        verifier: verifiers[i] ?? verifiers[0],
      })),
    },
  };
}

/**
 * A Date that always reads as the current time, to the whole second. The mock
 * TSA writes genTime with asn1js, which drops trailing zeros of the fraction
 * (".5Z"), and @sigstore/core accepts only three digits or none: one
 * timestamp in ten failed with "invalid time" (the parsing problem the
 * scouting notes left open). Whole seconds are what many real TSAs write.
 * The mock takes a fixed clock only, so this one is live.
 */
export function wholeSecondClock(): Date {
  const now = () => new Date(Math.floor(Date.now() / 1000) * 1000);
  class LiveClock extends Date {
    override getTime() {
      return now().getTime();
    }
    override valueOf() {
      return now().getTime();
    }
    override getUTCFullYear() {
      return now().getUTCFullYear();
    }
    override getUTCMonth() {
      return now().getUTCMonth();
    }
    override getUTCDate() {
      return now().getUTCDate();
    }
    override getUTCHours() {
      return now().getUTCHours();
    }
    override getUTCMinutes() {
      return now().getUTCMinutes();
    }
    override getUTCSeconds() {
      return now().getUTCSeconds();
    }
    override getUTCMilliseconds() {
      return 0;
    }
    override toISOString() {
      return now().toISOString();
    }
  }
  return new LiveClock();
}

/**
 * Rekor v2's canonical entry for a create request: what the log stores and
 * verifiers read (the mock would log the request itself). Returns the Entry's
 * JSON and its kind.
 */
export function canonicalV2Entry(request: CreateEntryRequest): {
  entry: unknown;
  kind: 'dsse' | 'hashedrekord';
} {
  const spec = request.spec;
  if (spec?.$case === 'dsseRequestV002') {
    const { envelope, verifiers } = spec.dsseRequestV002;
    if (!envelope) throw new Error('no envelope');
    const entry: Entry = {
      kind: 'dsse',
      apiVersion: '0.0.2',
      spec: {
        spec: {
          $case: 'dsseV002',
          dsseV002: {
            payloadHash: { algorithm: HashAlgorithm.SHA2_256, digest: sha256(envelope.payload) },
            signatures: envelope.signatures.map((sig, i) => ({
              content: sig.sig,
              verifier: verifiers[i] ?? verifiers[0],
            })),
          },
        },
      },
    };
    return { entry: Entry.toJSON(entry), kind: 'dsse' };
  }
  if (spec?.$case === 'hashedRekordRequestV002') {
    const { digest, signature } = spec.hashedRekordRequestV002;
    const entry: Entry = {
      kind: 'hashedrekord',
      apiVersion: '0.0.2',
      spec: {
        spec: {
          $case: 'hashedRekordV002',
          hashedRekordV002: { data: { algorithm: HashAlgorithm.SHA2_256, digest }, signature },
        },
      },
    };
    return { entry: Entry.toJSON(entry), kind: 'hashedrekord' };
  }
  throw new Error('unsupported entry type');
}

function timeRange(start: Date) {
  return { start: start.toISOString() };
}

function trustedRootFor(options: {
  caRoot: ArrayBufferView;
  ctlogKey: Uint8Array;
  rekorKey: Uint8Array;
  tsaChain: ArrayBufferView[];
  start: Date;
}): unknown {
  const key = (raw: Uint8Array) => ({
    rawBytes: b64(raw),
    keyDetails: 'PKIX_ECDSA_P256_SHA_256',
    validFor: timeRange(options.start),
  });
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: REKOR_ORIGIN,
        hashAlgorithm: 'SHA2_256',
        publicKey: key(options.rekorKey),
        logId: { keyId: b64(sha256(options.rekorKey)) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: FULCIO_ORIGIN,
        certChain: { certificates: [{ rawBytes: b64(options.caRoot) }] },
        validFor: timeRange(options.start),
      },
    ],
    ctlogs: [
      {
        baseUrl: CTLOG_ORIGIN,
        hashAlgorithm: 'SHA2_256',
        publicKey: key(options.ctlogKey),
        logId: { keyId: b64(sha256(options.ctlogKey)) },
      },
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore-tsa' },
        uri: TSA_ORIGIN,
        certChain: { certificates: options.tsaChain.map((c) => ({ rawBytes: b64(c) })) },
        validFor: timeRange(options.start),
      },
    ],
  };
}

export async function startSigstoreServices(
  state: StackState,
  issuer: OidcIssuer,
  login: LoginIssuer,
  existingRoot: unknown | undefined,
  faults: { rekorRefuses?: boolean },
): Promise<SigstoreServices> {
  const ctLog = await initializeCTLog(state.keys.ctlog);
  const ca = await initializeCA(state.keys.ca, ctLog);
  const tlog = await initializeTLog(REKOR_ORIGIN, state.keys.rekor);
  const tsa = await initializeTSA(state.keys.tsa, wholeSecondClock());
  // The SAN claim we add after verifying the token; the mock reads it.
  const fulcio = fulcioHandler(ca, { strict: true, subjectClaim: 'sealbox_fulcio_san' });
  const emailFulcio = fulcioHandler(emailCertificateAuthority(ca, ctLog, state.keys.ca), {
    strict: true,
    subjectClaim: 'email',
  });
  const timestamp = tsaHandler(tsa, { strict: true });
  const trustedRoot =
    existingRoot ??
    trustedRootFor({
      caRoot: ca.rootCertificate,
      ctlogKey: ctLog.publicKey,
      rekorKey: tlog.publicKey,
      tsaChain: [tsa.intCertificate, tsa.rootCertificate],
      start: new Date(Date.now() - 60_000),
    });

  // Fulcio's email principal: a verified address, and for Dex the upstream
  // issuer the person logged in through.
  async function personCertificate(
    request: { credentials?: { oidcIdentityToken?: unknown } },
    token: string,
  ): Promise<HandlerResult> {
    let claims: Record<string, unknown>;
    try {
      claims = await login.verify(token);
    } catch (e) {
      return error(401, `the OIDC identity token is not valid: ${describe(e)}`);
    }
    const upstream = (claims.federated_claims as { connector_id?: unknown } | undefined)
      ?.connector_id;
    if (typeof claims.email !== 'string' || claims.email_verified !== true)
      return error(400, 'the token has no verified email claim');
    if (typeof upstream !== 'string')
      return error(400, 'the token has no federated_claims.connector_id claim');
    request.credentials!.oidcIdentityToken = new UnsecuredJWT({
      iss: upstream,
      email: claims.email,
    }).encode();
    return call(emailFulcio.fn, JSON.stringify(request));
  }

  return {
    trustedRoot,
    async fulcio(body) {
      let request: { credentials?: { oidcIdentityToken?: unknown } };
      try {
        request = JSON.parse(body);
      } catch {
        return error(400, 'request is not JSON');
      }
      const token = request.credentials?.oidcIdentityToken;
      if (typeof token !== 'string') return error(400, 'no OIDC identity token in the request');
      let tokenIssuer: unknown;
      try {
        tokenIssuer = decodeJwt(token).iss;
      } catch {
        return error(401, 'the OIDC identity token is not a JWT');
      }
      if (tokenIssuer === login.issuer) return personCertificate(request, token);
      let claims: Record<string, unknown>;
      try {
        claims = await issuer.verify(token);
      } catch (e) {
        return error(401, `the OIDC identity token is not valid: ${describe(e)}`);
      }
      if (typeof claims.job_workflow_ref !== 'string') {
        return error(400, 'the token has no job_workflow_ref claim');
      }
      // Real Fulcio names a GitHub Actions signer by the job's workflow.
      const forwarded = new UnsecuredJWT({
        ...claims,
        sealbox_fulcio_san: `https://github.com/${claims.job_workflow_ref}`,
      }).encode();
      request.credentials!.oidcIdentityToken = forwarded;
      return call(fulcio.fn, JSON.stringify(request));
    },
    async rekor(body) {
      if (faults.rekorRefuses) return error(400, 'the log refused the entry (fault injected)');
      let proposed: { kind?: string };
      try {
        proposed = JSON.parse(body);
      } catch {
        return error(400, 'entry is not JSON');
      }
      try {
        const entry = proposed.kind === 'dsse' ? canonicalDsseEntry(proposed as never) : proposed;
        return {
          status: 201,
          body: JSON.stringify(await tlog.log(entry)),
          contentType: 'application/json',
        };
      } catch (e) {
        return error(400, `invalid entry: ${describe(e)}`);
      }
    },
    async rekorV2(body) {
      if (faults.rekorRefuses) return error(400, 'the log refused the entry (fault injected)');
      try {
        const { entry, kind } = canonicalV2Entry(CreateEntryRequest.fromJSON(JSON.parse(body)));
        const logged = await tlog.logV2(entry as never);
        // Rekor v2 has no integrated time: time comes from a timestamp authority.
        logged.integratedTime = '0';
        // The mock's v2 proof is off in two ways: it gives the entry's random
        // index for a one-leaf tree (index 0), and decodes the hex root hash as
        // base64. The signed checkpoint holds the right root hash.
        const proof = logged.inclusionProof!;
        proof.logIndex = '0';
        proof.rootHash = Buffer.from(proof.checkpoint!.envelope.split('\n')[2]!, 'base64');
        logged.kindVersion = { kind, version: '0.0.2' };
        return {
          status: 201,
          body: JSON.stringify(TransparencyLogEntry.toJSON(logged)),
          contentType: 'application/json',
        };
      } catch (e) {
        return error(400, `invalid entry: ${describe(e)}`);
      }
    },
    tsa: (body) => call(timestamp.fn, body),
  };
}
