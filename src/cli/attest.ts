// `sealbox attest FILE... [--predicate-type T --predicate FILE] [--out FILE]`:
// see src/node/attest-files.ts; this prints what it did.
import { attestFiles } from '../node/attest-files.ts';
import { loginRequest, type LoginFlags } from './options.ts';
import { printJson, type Format } from './output.ts';

export interface AttestOptions extends LoginFlags {
  predicateType?: string;
  predicate?: string;
  out?: string;
  identityToken?: string;
  key?: string;
  tlog: boolean;
  fulcioUrl?: string;
  rekorUrl?: string;
  tsaUrl?: string;
  instance?: string;
  rekorVersion?: string;
  upload: boolean;
  format: Format;
}

export async function attestCommand(files: string[], o: AttestOptions): Promise<number> {
  const a = await attestFiles(files, { ...o, login: loginRequest(o) });
  if (o.format === 'json')
    printJson({
      ok: true,
      bundles: a.bundles,
      predicateType: a.predicateType,
      subjects: a.subjects,
      attestationId: a.attestationId ?? null,
    });
  else {
    process.stdout.write(
      `attested ${a.subjects.map((s) => s.name).join(', ')} (${a.predicateType})\n`,
    );
    for (const out of a.bundles) process.stdout.write(`  bundle: ${out}\n`);
    if (a.attestationId !== undefined)
      process.stdout.write(`  stored: attestation ${a.attestationId} in ${a.repository}\n`);
  }
  return 0;
}
