// `sealbox sign-bundle`: the sigstore-conformance client protocol.
//   sign-bundle [--staging] [--in-toto] [--identity-token TOKEN] --bundle FILE [--trusted-root FILE] [--signing-config FILE] FILE
// Without a token, it takes one as `attest` does, a login included; the
// login goes to --oidc-issuer, else the issuer the signing config names.
import { readFile, writeFile } from 'node:fs/promises';
import { SealboxError } from '../errors.ts';
import { readJsonFile } from '../node/files.ts';
import { identityToken } from '../node/identity-token.ts';
import { PUBLIC_GOOD, signMessage, signStatement } from '../node/signing.ts';
import { loginRequest, type LoginFlags } from './options.ts';

export interface SignBundleOptions extends LoginFlags {
  staging?: boolean;
  inToto?: boolean;
  identityToken?: string;
  bundle: string;
  trustedRoot?: string;
  signingConfig?: string;
}

/** The first OIDC issuer a SigningConfig names that is valid now. */
function configIssuer(config: unknown): string | undefined {
  const urls = (config as { oidcUrls?: unknown } | null)?.oidcUrls;
  if (!Array.isArray(urls)) return undefined;
  const now = Date.now();
  for (const s of urls as { url?: unknown; validFor?: { start?: unknown; end?: unknown } }[]) {
    const start = Date.parse(String(s?.validFor?.start ?? ''));
    const end = s?.validFor?.end === undefined ? Infinity : Date.parse(String(s.validFor.end));
    if (typeof s?.url === 'string' && !(start > now) && !(end <= now)) return s.url;
  }
  return undefined;
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
  const token = await identityToken(
    o.identityToken,
    process.env,
    loginRequest(o, o.oidcIssuer ?? configIssuer(signingConfig)),
  );
  const options = { endpoints: { ...PUBLIC_GOOD }, token, signingConfig };
  const bundle = o.inToto ? await signStatement(data, options) : await signMessage(data, options);
  await writeFile(o.bundle, JSON.stringify(bundle) + '\n');
  return 0;
}
