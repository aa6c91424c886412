// What the Action does in each mode, with its inputs and outputs behind a
// small interface (ActionIo) so tests and the local stack's runner can drive it.
import { join } from 'node:path';
import { SealboxError } from '../errors.ts';
import { boxSummary } from './summary.ts';

export interface ActionIo {
  /** An input as GitHub passes it ('' when not given: action.yml holds the defaults). */
  input(name: string): string;
  output(name: string, value: string | number): void;
  summary(markdown: string): Promise<void>;
  info(line: string): void;
  warning(line: string): void;
}

export const MODES = ['box', 'attest', 'envelope-sign'] as const;

const bool = (io: ActionIo, name: string) => {
  const v = io.input(name).trim().toLowerCase();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw new SealboxError('USAGE', `input ${name}: ${v}: give true or false`);
};

const required = (io: ActionIo, name: string, mode: string) => {
  const v = io.input(name).trim();
  if (!v) throw new SealboxError('USAGE', `input ${name}: required in ${mode} mode`);
  return v;
};

/** Returns a failure message when the step must fail after its outputs are set. */
export async function runAction(
  io: ActionIo,
  processEnv: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const mode = io.input('mode').trim();
  if (!(MODES as readonly string[]).includes(mode))
    throw new SealboxError('USAGE', `input mode: ${mode || '(empty)'}: give ${MODES.join(', ')}`);
  const token = io.input('github-token').trim();
  const env = { ...processEnv, ...(token ? { GITHUB_TOKEN: token } : {}) };
  if (mode === 'box') return box(io, env);
  if (mode === 'attest') return attest(io, env);
  return envelopeSign(io, env);
}

async function box(io: ActionIo, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const { runBoxJob } = await import('../node/box-job.ts');
  const out = io.input('out').trim() || join(env.RUNNER_TEMP ?? '.', 'sealbox-box');
  const job = await runBoxJob(
    {
      computation: required(io, 'computation', 'box'),
      parameters: io.input('parameters'),
      window: io.input('window'),
      maxSubmissions: io.input('max-submissions'),
      maxBytes: io.input('max-bytes'),
      onePerAuthor: io.input('one-per-author') as 'first' | 'last',
      allowedAuthors: io.input('allowed-authors'),
      minParticipants: io.input('min-participants'),
      suite: io.input('suite') as 'x-wing' | 'x25519',
      signedSubmissions: bool(io, 'signed-submissions'),
      allowSelfHostedRunners: bool(io, 'allow-self-hosted-runners'),
      checkoutPath: io.input('checkout-path').trim() || undefined,
      out,
    },
    env,
    (line) => io.info(line),
  );
  for (const w of job.warnings) io.warning(w);
  io.output('box', job.box);
  io.output('issue', job.issue);
  io.output('status', job.result.status);
  io.output('accepted', job.result.counts.accepted);
  io.output('manifest-digest', `sha256:${job.manifestDigest}`);
  io.output('result-digest', `sha256:${job.resultDigest}`);
  io.output('manifest-attestation-id', job.manifestAttestationId ?? '');
  io.output('result-attestation-id', job.resultAttestationId ?? '');
  io.output('out', out);
  await io.summary(
    boxSummary({
      box: job.box,
      repository: job.repository,
      result: job.result,
      manifestDigest: job.manifestDigest,
      resultDigest: job.resultDigest,
      manifestAttestationId: job.manifestAttestationId,
      resultAttestationId: job.resultAttestationId,
      apiUrl: env.GITHUB_API_URL,
    }),
  );
  io.info(`box ${job.box}: ${job.result.status}, ${job.result.counts.accepted} accepted`);
  return job.result.status === 'complete'
    ? undefined
    : `box ${job.box} aborted: ${job.result.reason ?? 'see the result'}`;
}

async function attest(io: ActionIo, env: NodeJS.ProcessEnv): Promise<undefined> {
  const { attestFiles } = await import('../node/attest-files.ts');
  const files = required(io, 'subject-path', 'attest')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const { actionSigstore } = await import('../node/job-sigstore.ts');
  const { fulcioUrl, rekorUrl, tsaUrl } = await actionSigstore(env);
  const a = await attestFiles(files, { upload: true, env, fulcioUrl, rekorUrl, tsaUrl });
  io.output('bundle-path', a.bundles[0]!);
  io.output('attestation-id', a.attestationId ?? '');
  io.info(`attested ${a.subjects.map((s) => s.name).join(', ')} -> ${a.bundles.join(', ')}`);
  await io.summary(
    `## sealbox attest\n\n${a.subjects.map((s) => `- \`${s.name}\` sha256:${s.digest.sha256}`).join('\n')}\n\nbundle: \`${a.bundles[0]}\`${a.attestationId !== undefined ? `, attestation ${a.attestationId}` : ''}\n`,
  );
  return undefined;
}

async function envelopeSign(io: ActionIo, env: NodeJS.ProcessEnv): Promise<undefined> {
  const { signEnvelopeFile } = await import('../node/envelope-sign.ts');
  const { actionSigstore } = await import('../node/job-sigstore.ts');
  const { identityToken } = await import('../node/identity-token.ts');
  const file = required(io, 'envelope-path', 'envelope-sign');
  const format = io.input('envelope-format').trim() || 'sealbox';
  if (format !== 'sealbox' && format !== 'inferencebench')
    throw new SealboxError(
      'USAGE',
      `input envelope-format: ${format}: give sealbox or inferencebench`,
    );
  const endpoints = await actionSigstore(env);
  const out = await signEnvelopeFile(file, io.input('out').trim() || undefined, {
    formatOut: format,
    keyless: { endpoints, token: await identityToken(undefined, env) },
    endpoints,
  });
  io.output('envelope-path', out);
  io.info(`signed ${file} -> ${out}`);
  await io.summary(`## sealbox envelope-sign\n\nsigned \`${file}\` keyless: \`${out}\`\n`);
  return undefined;
}
