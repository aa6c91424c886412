// A box run as a job: the whole ceremony in one process, configured by the
// run's environment (GITHUB_*, RUNNER_*, the ID token request) and the box's
// settings. `sealbox box host` and the Action's `box` mode both call it.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { execParameters } from '../box/compute/exec.ts';
import { computation } from '../box/compute/index.ts';
import { MIN_BUCKET, plaintextCap } from '../box/padding.ts';
import type { EmitEvent } from '../box/events.ts';
import { hostBox, type HostedBox } from '../box/host.ts';
import type { BoxResult } from '../box/result.ts';
import { sha256Hex } from '../bytes.ts';
import { SealboxError, describe } from '../errors.ts';
import { GitHubIssueBus } from '../github/issue-bus.ts';
import { githubFromEnv, storeAttestation } from './attestation-store.ts';
import { boxAttester } from './box-attest.ts';
import { checkExec, runExec, type ExecOptions } from './exec-sandbox.ts';
import { identityToken } from './identity-token.ts';
import { boxKeyPairOnNode } from './native-hpke.ts';
import { jobSigstore } from './job-sigstore.ts';

export interface BoxJobSettings {
  computation: string;
  /** JSON text of the computation's parameters. */
  parameters?: string;
  window: string;
  maxSubmissions: string;
  maxBytes: string;
  onePerAuthor: 'first' | 'last';
  /** Comma-separated numeric GitHub user ids. */
  allowedAuthors?: string;
  minParticipants: string;
  suite: 'x-wing' | 'x25519';
  signedSubmissions?: boolean;
  out: string;
  allowSelfHostedRunners?: boolean;
  trustedExec?: boolean;
  /** exec: the operator's checkout, relative to the workspace (default: the workspace). */
  checkoutPath?: string;
  pollMs?: number;
  settleMs?: number;
  /** The first wait before attesting again after a Sigstore failure (default 2 s, doubling). */
  attestRetryDelayMs?: number;
}

/** The checkout exec runs from: a directory inside the workspace, never outside it. */
function checkoutDirectory(workspace: string, path: string | undefined): string {
  if (path === undefined || path === '' || path === '.') return workspace;
  if (isAbsolute(path) || path.split(/[\\/]/).includes('..'))
    throw new SealboxError(
      'USAGE',
      `checkout-path ${path}: give a directory inside the workspace, relative to it`,
    );
  return join(workspace, path);
}

export interface BoxJobOutcome {
  /** OWNER/REPO#N */
  box: string;
  repository: string;
  issue: number;
  hosted: HostedBox;
  result: BoxResult;
  manifestDigest: string;
  resultDigest: string;
  /** Ids in the attestation API; undefined when storing failed (a warning says why). */
  manifestAttestationId?: number;
  resultAttestationId?: number;
  warnings: string[];
}

/**
 * A GitHub-hosted job runs at most 6 hours; the reusable workflow's
 * timeout-minutes is 350, so the window stays under 5 hours and leaves room
 * for attesting, the final listing and the computation.
 */
export const MAX_WINDOW_SECONDS = 5 * 3600;

const whole = (v: string, name: string, min = 0, max = Number.MAX_SAFE_INTEGER) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new SealboxError(
      'USAGE',
      `${name} ${v}: give a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`,
    );
  return n;
};

/** Checks the settings before anything is created, so a typo fails before the box opens. */
export function boxJobConfig(o: BoxJobSettings) {
  let parameters: Record<string, unknown> = {};
  if (o.parameters?.trim()) {
    try {
      parameters = JSON.parse(o.parameters);
    } catch {
      throw new SealboxError('USAGE', 'parameters: is not JSON');
    }
    if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))
      throw new SealboxError('USAGE', 'parameters: give a JSON object');
  }
  if (o.computation === 'exec') execParameters(parameters);
  else computation(o.computation, parameters);
  if (o.suite !== 'x-wing' && o.suite !== 'x25519')
    throw new SealboxError('USAGE', `suite ${o.suite}: give x-wing or x25519`);
  if (o.onePerAuthor !== 'first' && o.onePerAuthor !== 'last')
    throw new SealboxError('USAGE', `one-per-author ${o.onePerAuthor}: give first or last`);
  const maxBytes = whole(o.maxBytes, 'max-bytes', 1, 65536);
  const cap = plaintextCap({
    suite: o.suite,
    maxBytes,
    signedSubmissions: Boolean(o.signedSubmissions),
  });
  if (cap < MIN_BUCKET)
    throw new SealboxError(
      'USAGE',
      `max-bytes ${maxBytes}: leaves no room for a padded submission of the ${o.suite} suite${o.signedSubmissions ? ' and its signature' : ''} (raise it)`,
    );
  return {
    parameters,
    windowSeconds: whole(o.window, 'window', 1, MAX_WINDOW_SECONDS),
    rules: {
      max_submissions: whole(o.maxSubmissions, 'max-submissions', 1),
      max_bytes: maxBytes,
      signed_submissions: Boolean(o.signedSubmissions),
      one_per_author: o.onePerAuthor,
      allowed_authors: o.allowedAuthors?.trim()
        ? o.allowedAuthors.split(',').map((x) => whole(x.trim(), 'allowed-authors'))
        : null,
      min_participants: whole(o.minParticipants, 'min-participants'),
    },
  };
}

export async function runBoxJob(
  o: BoxJobSettings,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => {},
  event?: EmitEvent,
): Promise<BoxJobOutcome> {
  const missing = ['GITHUB_REPOSITORY', 'GITHUB_TOKEN', 'GITHUB_RUN_ID', 'GITHUB_SHA'].filter(
    (k) => !env[k],
  );
  if (missing.length)
    throw new SealboxError('USAGE', `a box runs inside the job: ${missing.join(', ')} not set`);
  if (env.RUNNER_ENVIRONMENT !== 'github-hosted' && !o.allowSelfHostedRunners) {
    throw new SealboxError(
      'USAGE',
      `refusing to run a box on a ${env.RUNNER_ENVIRONMENT ?? 'unknown'} runner: its operator controls the machine and the key (allow-self-hosted-runners to override)`,
    );
  }
  const config = boxJobConfig(o);
  const execOptions: ExecOptions = {
    repository: checkoutDirectory(env.GITHUB_WORKSPACE ?? process.cwd(), o.checkoutPath),
    trusted: o.trustedExec,
    log,
  };
  // The command's file, a separate user and the network cut, before the box opens.
  if (o.computation === 'exec') checkExec(config.parameters, execOptions);
  const github = githubFromEnv(env)!;
  const jobTokenEnv = { ...env, SIGSTORE_ID_TOKEN: undefined };
  const bus = new GitHubIssueBus(github.octokit, github.repository);
  const runId = env.GITHUB_RUN_ID!;
  const attempt = env.GITHUB_RUN_ATTEMPT ?? '1';
  const hosted = await hostBox(
    {
      bus,
      // The job's own token, from the Actions token protocol only (never
      // SIGSTORE_ID_TOKEN), sent only to its GitHub instance's Sigstore.
      attest: boxAttester(await jobSigstore(env), () => identityToken(undefined, jobTokenEnv), {
        log,
        firstDelayMs: o.attestRetryDelayMs,
      }),
      now: () => new Date(),
      sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)),
      log,
      event,
      exec: (inputs, params) => runExec(inputs, params, execOptions),
      generateKey: boxKeyPairOnNode,
    },
    {
      boxId: `box-${runId}-${attempt}-${randomBytes(4).toString('hex')}`,
      suite: o.suite,
      windowSeconds: config.windowSeconds,
      rules: config.rules,
      computation: { name: o.computation, parameters: config.parameters },
      run: {
        repository: github.repository,
        workflow_ref: env.GITHUB_WORKFLOW_REF ?? '',
        run_id: runId,
        run_attempt: attempt,
        sha: env.GITHUB_SHA!,
      },
      pollMs: o.pollMs ?? 2000,
      settleMs: o.settleMs ?? 2000,
    },
  );
  await mkdir(o.out, { recursive: true });
  await writeFile(join(o.out, 'manifest.json'), hosted.manifest);
  await writeFile(
    join(o.out, 'manifest.sigstore.json'),
    JSON.stringify(hosted.manifestBundle) + '\n',
  );
  await writeFile(join(o.out, 'result.json'), hosted.result);
  await writeFile(join(o.out, 'result.sigstore.json'), JSON.stringify(hosted.resultBundle) + '\n');
  // The bundles are in the issue already; the attestation API is a second
  // place to find them (by digest), so a failure there is a warning.
  const warnings: string[] = [];
  const store = async (bundle: unknown, name: string) => {
    try {
      return await storeAttestation(github.octokit, github.repository, bundle);
    } catch (e) {
      warnings.push(
        `the ${name} attestation was not stored in the attestation API: ${describe(e)}`,
      );
      return undefined;
    }
  };
  return {
    box: bus.address,
    repository: github.repository,
    issue: bus.issue!,
    hosted,
    result: hosted.parsedResult,
    manifestDigest: await sha256Hex(hosted.manifest),
    resultDigest: await sha256Hex(hosted.result),
    manifestAttestationId: await store(hosted.manifestBundle, 'manifest'),
    resultAttestationId: await store(hosted.resultBundle, 'result'),
    warnings,
  };
}
