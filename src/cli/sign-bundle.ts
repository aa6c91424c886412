// `sealbox sign-bundle`: the sigstore-conformance client protocol.
//   sign-bundle [--staging] [--in-toto] --identity-token TOKEN --bundle FILE [--trusted-root FILE] [--signing-config FILE] FILE
import { readFile, writeFile } from 'node:fs/promises';
import { SealboxError } from '../errors.ts';
import { readJsonFile } from '../node/files.ts';
import { PUBLIC_GOOD, signMessage, signStatement } from '../node/signing.ts';

export interface SignBundleOptions {
  staging?: boolean;
  inToto?: boolean;
  identityToken: string;
  bundle: string;
  trustedRoot?: string;
  signingConfig?: string;
}

export async function signBundleCommand(file: string, o: SignBundleOptions): Promise<number> {
  if (o.staging) {
    throw new SealboxError(
      'UNSUPPORTED',
      '--staging: no Sigstore staging instance is configured; pass --signing-config instead',
    );
  }
  const signingConfig = o.signingConfig
    ? await readJsonFile(o.signingConfig, 'signing config')
    : undefined;
  let data: Uint8Array;
  try {
    data = new Uint8Array(await readFile(file));
  } catch {
    throw new SealboxError('INPUT_NOT_FOUND', `artifact ${file}: cannot be read`);
  }
  const options = { endpoints: { ...PUBLIC_GOOD }, token: o.identityToken, signingConfig };
  const bundle = o.inToto ? await signStatement(data, options) : await signMessage(data, options);
  await writeFile(o.bundle, JSON.stringify(bundle) + '\n');
  return 0;
}
