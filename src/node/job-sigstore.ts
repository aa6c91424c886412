// Which Sigstore a job signs with, as the GitHub instance it runs on says,
// never as the job's environment says: on github.com, Sigstore's public-good
// instance; on another GitHub instance (the local stack), the instance its
// API names in GET /meta (member `sigstore`: fulcio_url, rekor_url, tsa_url).
// The job's identity token goes where this points, so a variable of the
// runner's environment must not choose it (box.yml's guard refuses
// SEALBOX_FULCIO_URL and the like before any Node process starts).
import * as z from 'zod/mini';
import { SealboxError } from '../errors.ts';
import { boundedBody, timedFetch } from './network.ts';
import { PUBLIC_GOOD, endpointsFrom, type SigningEndpoints } from './signing.ts';

export const GITHUB_COM = 'https://github.com';

const meta = z.object({
  sigstore: z.object({
    fulcio_url: z.string(),
    rekor_url: z.string(),
    tsa_url: z.optional(z.string()),
  }),
});

/** The Sigstore instance of the GitHub instance the job runs on. */
export async function jobSigstore(env: NodeJS.ProcessEnv): Promise<SigningEndpoints> {
  const server = (env.GITHUB_SERVER_URL ?? GITHUB_COM).replace(/\/+$/, '');
  if (server === GITHUB_COM) return { ...PUBLIC_GOOD };
  const api = (env.GITHUB_API_URL ?? '').replace(/\/+$/, '');
  const what = `GitHub at ${server}`;
  if (!api) throw new SealboxError('USAGE', `${what}: GITHUB_API_URL is not set`);
  const response = await timedFetch("GitHub's API")(`${api}/meta`, {
    headers: { accept: 'application/json' },
  });
  const text = await boundedBody(response, 64 * 1024, `${what}: GET /meta`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  const parsed = meta.safeParse(doc);
  if (!response.ok || !parsed.success)
    throw new SealboxError(
      'SERVICE',
      `${what}: GET /meta names no Sigstore instance (member sigstore): sealbox signs in jobs on github.com or on a GitHub instance that names one`,
    );
  const s = parsed.data.sigstore;
  return { fulcioUrl: s.fulcio_url, rekorUrl: s.rekor_url, tsaUrl: s.tsa_url };
}

/**
 * What the Action's attest and envelope-sign modes sign with: SEALBOX_FULCIO_URL
 * and the like when set (a workflow's own choice, as for the CLI), else the
 * job's GitHub instance's. The box never takes them (it uses jobSigstore).
 */
export async function actionSigstore(env: NodeJS.ProcessEnv): Promise<SigningEndpoints> {
  if (env.SEALBOX_FULCIO_URL || env.SEALBOX_REKOR_URL || env.SEALBOX_TSA_URL)
    return endpointsFrom({}, env);
  return jobSigstore(env);
}
