// Attesting a box's files from inside the job: an in-toto statement naming
// the file, the SLSA provenance predicate of the run, signed keyless.
import { decodeJwt } from 'jose';
import type { Attested } from '../box/host.ts';
import { sha256Hex } from '../box/submissions.ts';
import { SLSA_PROVENANCE_V1, slsaProvenance, statement } from '../sigstore/provenance.ts';
import { signStatement, type SigningEndpoints } from './signing.ts';

export function boxAttester(endpoints: SigningEndpoints, token: () => Promise<string>) {
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
    const bundle = (await signStatement(payload, { endpoints, token: t })) as {
      verificationMaterial: { tlogEntries: { integratedTime?: string }[] };
    };
    const seconds = Number(bundle.verificationMaterial.tlogEntries[0]?.integratedTime ?? NaN);
    return {
      bundle,
      time: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date(),
    };
  };
}
