// Attesting a box's files from inside the job: an in-toto statement naming
// the file, the SLSA provenance predicate of the run, signed keyless.
import { RFC3161Timestamp } from '@sigstore/core';
import { decodeJwt } from 'jose';
import type { Attested } from '../box/host.ts';
import { SealboxError } from '../errors.ts';
import { sha256Hex } from '../bytes.ts';
import { SLSA_PROVENANCE_V1, slsaProvenance, statement } from '../sigstore/provenance.ts';
import { signStatement, type SigningEndpoints } from './signing.ts';

export interface AttestRetry {
  /** Attempts in all (default 4). */
  attempts?: number;
  /** The first wait; each next one doubles (default 2 s: 2, 4, 8 s). */
  firstDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

/**
 * Attests a box file, retrying a failing Sigstore service a bounded number of
 * times; after the last attempt the error propagates, and the ceremony
 * publishes nothing unattested.
 */
export function boxAttester(
  endpoints: SigningEndpoints,
  token: () => Promise<string>,
  retry: AttestRetry = {},
) {
  const attempts = retry.attempts ?? 4;
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const once = attestOnce(endpoints, token);
  return async (bytes: Uint8Array, name: string): Promise<Attested> => {
    for (let i = 1; ; i++) {
      try {
        return await once(bytes, name);
      } catch (e) {
        if (!(e instanceof SealboxError) || e.code !== 'SERVICE' || i >= attempts) throw e;
        const wait = (retry.firstDelayMs ?? 2000) * 2 ** (i - 1);
        retry.log?.(
          `attesting ${name} failed (${e.message}); attempt ${i + 1} of ${attempts} in ${wait / 1000} s`,
        );
        await sleep(wait);
      }
    }
  };
}

interface SerializedTimes {
  verificationMaterial: {
    tlogEntries: { integratedTime?: string; inclusionPromise?: unknown }[];
    timestampVerificationData?: { rfc3161Timestamps?: { signedTimestamp: string }[] };
  };
}

/**
 * The signed times of a bundle the box just made, as a verifier will read
 * them: log integrated times under an inclusion promise, and RFC 3161 times.
 */
export function signedTimesOf(bundle: SerializedTimes): string[] {
  const m = bundle.verificationMaterial;
  const times: string[] = [];
  for (const e of m.tlogEntries) {
    const seconds = Number(e.integratedTime);
    if (e.inclusionPromise && Number.isSafeInteger(seconds) && seconds > 0)
      times.push(new Date(seconds * 1000).toISOString());
  }
  for (const t of m.timestampVerificationData?.rfc3161Timestamps ?? [])
    times.push(
      RFC3161Timestamp.parse(Buffer.from(t.signedTimestamp, 'base64')).signingTime.toISOString(),
    );
  return times;
}

function attestOnce(endpoints: SigningEndpoints, token: () => Promise<string>) {
  return async (bytes: Uint8Array, name: string): Promise<Attested> => {
    const t = await token();
    const payload = new TextEncoder().encode(
      JSON.stringify(
        statement(
          [{ name, digest: { sha256: await sha256Hex(bytes) } }],
          SLSA_PROVENANCE_V1,
          slsaProvenance(decodeJwt(t)),
        ),
      ),
    );
    const bundle = (await signStatement(payload, { endpoints, token: t })) as SerializedTimes;
    return { bundle, signedTimes: signedTimesOf(bundle) };
  };
}
