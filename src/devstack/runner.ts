// The local stack runs dispatched workflows, as far as sealbox needs: a
// caller workflow (workflow_dispatch) whose one job calls a reusable workflow
// at a ref, resolved in the stack's repositories as GitHub resolves it (a
// tag, a branch, a commit from anywhere in the fork network), and that
// workflow's one job at the resolved commit. Its steps may be `run:` steps
// (sh or bash), actions/checkout (of the run's repository, optionally into a
// `path`) and local actions (`uses: ./path`, a node action in the workspace):
// the subset sealbox's box.yml needs, no more. So the box runs exactly the
// code of the commit its certificate names, fetched by box.yml's own steps,
// never this working tree's. Every step gets the environment a GitHub-hosted
// job gets: GITHUB_*, RUNNER_*, the ID token request (only with `id-token:
// write`), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, INPUT_* for actions. The
// token's claims say the reusable workflow ran for this run id and attempt.
// Anything else in a workflow (other actions, expressions beyond context
// lookups) fails the run with a message naming it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SealboxError, describe } from '../errors.ts';
import { asText, evaluate, interpolate, type Context } from './expressions.ts';
import { HttpError, type GitHubApi, type WorkflowRun } from './github-api.ts';
import type { RunIdentity } from './identity.ts';

export const SEALBOX_REPOSITORY = 'sealbox/sealbox';

export interface RunnerHost {
  github: GitHubApi;
  githubApiUrl: string;
  githubServerUrl: string;
  registerRun(run: RunIdentity): { requestUrl: string; requestToken: string };
}

/** One attempt of one run, as the runner saw it. */
export interface JobRecord {
  runId: number;
  attempt: number;
  /** The called workflow's outputs (workflow_call outputs), evaluated. */
  outputs: Record<string, string>;
  /** Each step's outputs by step id. */
  steps: Record<string, Record<string, string>>;
  summary: string;
  log: string;
  conclusion?: 'success' | 'failure';
  error?: string;
  done: Promise<JobRecord>;
}

type Workflow = {
  name?: string;
  'run-name'?: string;
  on?: Record<string, unknown> | string | string[];
  permissions?: Record<string, string> | string;
  jobs?: Record<string, Job>;
};
type Job = {
  uses?: string;
  with?: Record<string, unknown>;
  'runs-on'?: string | string[];
  permissions?: Record<string, string> | string;
  outputs?: Record<string, string>;
  steps?: Step[];
};
type Step = {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, unknown>;
};
type InputSpec = { type?: string; required?: boolean; default?: unknown };

function yamlOf(text: string, label: string): Workflow {
  try {
    const w = parseYaml(text) as Workflow;
    if (!w || typeof w !== 'object') throw new Error('not a mapping');
    return w;
  } catch (e) {
    throw new HttpError(422, `${label}: invalid workflow: ${describe(e)}`);
  }
}

function triggers(w: Workflow): Record<string, unknown> {
  const on = w.on;
  if (typeof on === 'string') return { [on]: {} };
  if (Array.isArray(on)) return Object.fromEntries(on.map((k) => [k, {}]));
  return on ?? {};
}

/** Inputs typed as their spec says, with defaults; unknown or missing required ones refused. */
function typedInputs(
  specs: Record<string, InputSpec>,
  given: Record<string, unknown>,
  label: string,
): Record<string, unknown> {
  const unknown = Object.keys(given).filter((k) => !(k in specs));
  if (unknown.length)
    throw new HttpError(422, `Unexpected inputs provided: ${JSON.stringify(unknown)}`);
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    let v = given[name];
    if (v === undefined || v === '') {
      if (spec.required && spec.default === undefined)
        throw new HttpError(422, `${label}: Required input '${name}' not provided`);
      v = spec.default ?? (spec.type === 'boolean' ? false : spec.type === 'number' ? 0 : '');
    }
    if (spec.type === 'boolean') v = v === true || v === 'true';
    else if (spec.type === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n))
        throw new HttpError(422, `${label}: input '${name}' is not a number`);
      v = n;
    } else v = asText(v);
    out[name] = v;
  }
  return out;
}

/** `name<<DELIM\nvalue\nDELIM` and `name=value` lines, as @actions/core writes GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('='))
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return out;
}

const hasWrite = (p: Job['permissions'], scope: string) =>
  p === 'write-all' || (typeof p === 'object' && p?.[scope] === 'write');

/** How GitHub runs a `run:` step's script file, by `shell:` (bash by default). */
const SHELLS: Record<string, (file: string) => [string, string[]]> = {
  bash: (file) => ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', file]],
  sh: (file) => ['sh', ['-e', file]],
};

/** A path inside the workspace (a step's `path`, a local action), never outside it. */
function inside(workspace: string, path: string, what: string): string {
  const clean = path.replace(/^\.\//, '');
  if (!clean || clean.startsWith('/') || clean.split('/').includes('..'))
    throw new SealboxError('UNSUPPORTED', `${what} ${path}: not a path inside the workspace`);
  return join(workspace, clean);
}

/** What every step of one job shares. */
interface JobContext {
  identity: RunIdentity;
  token: string;
  workspace: string;
  temp: string;
  /** The variables every step starts from. */
  env: Record<string, string>;
  record: JobRecord;
}

export class WorkflowRunner {
  readonly #host: RunnerHost;
  readonly jobs: JobRecord[] = [];
  /** Run jobs with debug logging on (RUNNER_DEBUG, ACTIONS_STEP_DEBUG, SEALBOX_DEBUG). */
  debug = false;
  /**
   * Variables the runner's machine sets in every step of every job, as a
   * runner image's environment would (tests set code-injecting ones here to
   * see the box refuse them). The job's own GITHUB_*, ACTIONS_* and RUNNER_*
   * variables are the runner's: the machine's do not replace them.
   */
  machineEnv: Record<string, string> = {};

  constructor(host: RunnerHost) {
    this.#host = host;
    host.github.onDispatch = (run) => this.start(run);
  }

  /** The record of a run's attempt (the latest by default), once it has finished. */
  async finished(runId: number, attempt?: number): Promise<JobRecord> {
    const mine = this.jobs.filter((j) => j.runId === runId && (!attempt || j.attempt === attempt));
    const job = mine.pop();
    if (!job) throw new Error(`no job for run ${runId}`);
    return job.done;
  }

  /** Checks the dispatch as GitHub does (synchronously: a bad one is a 422), then runs it. */
  start(run: WorkflowRun): void {
    const github = this.#host.github;
    const path = `.github/workflows/${run.workflow}`;
    const commit = github.commitAt(run.repo, run.ref);
    const text = commit?.files.get(path);
    if (text === undefined) throw new HttpError(404, `${path} not found at ${run.ref}`);
    const workflow = yamlOf(text, path);
    const dispatch = triggers(workflow).workflow_dispatch as
      { inputs?: Record<string, InputSpec> } | undefined;
    if (dispatch === undefined)
      throw new HttpError(422, "Workflow does not have 'workflow_dispatch' trigger");
    const inputs = typedInputs(dispatch?.inputs ?? {}, run.inputs, path);
    const context: Context = {
      inputs,
      github: {
        event: { inputs: run.inputs },
        run_id: run.id,
        run_attempt: run.run_attempt,
        actor: run.actor?.login,
        repository: run.repo,
        ref: run.ref,
      },
    };
    run.display_title = workflow['run-name']
      ? asText(interpolate(workflow['run-name'], context))
      : (workflow.name ?? run.workflow);
    const record = {
      runId: run.id,
      attempt: run.run_attempt,
      outputs: {},
      steps: {},
      summary: '',
      log: '',
    } as JobRecord;
    record.done = this.#execute(run, workflow, context, commit!.sha, record)
      .then(
        () => record,
        (e: unknown) => {
          record.error = describe(e);
          record.log += `runner: ${record.error}\n`;
          record.conclusion = 'failure';
          return record;
        },
      )
      .finally(() => {
        run.status = 'completed';
        run.conclusion = record.conclusion ?? 'failure';
        run.updated_at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      });
    this.jobs.push(record);
  }

  async #execute(
    run: WorkflowRun,
    caller: Workflow,
    context: Context,
    sha: string,
    record: JobRecord,
  ) {
    await new Promise((r) => setImmediate(r));
    run.status = 'in_progress';
    const jobs = Object.entries(caller.jobs ?? {});
    if (jobs.length !== 1 || !jobs[0]![1].uses)
      throw new SealboxError(
        'UNSUPPORTED',
        'the local runner runs one job that calls a reusable workflow',
      );
    const [, job] = jobs[0]!;
    const m = /^([^/]+\/[^/]+)\/(\.github\/workflows\/[^@]+)@(.+)$/.exec(job.uses!);
    if (!m) throw new SealboxError('UNSUPPORTED', `uses: ${job.uses}: not a reusable workflow`);
    const [, calledRepo, calledPath, calledRef] = m as unknown as [string, string, string, string];
    const github = this.#host.github;
    // As GitHub: the ref names a tag, a branch or a commit of the network; no fallback.
    const called = github.resolveRef(calledRepo, calledRef);
    const calledText = called?.commit.files.get(calledPath);
    if (calledText === undefined)
      throw new SealboxError('INPUT_NOT_FOUND', `${job.uses}: not found`);
    const workflow = yamlOf(calledText, job.uses!);
    const call = triggers(workflow).workflow_call as
      | { inputs?: Record<string, InputSpec>; outputs?: Record<string, { value: string }> }
      | undefined;
    if (call === undefined)
      throw new SealboxError('UNSUPPORTED', `${job.uses}: has no workflow_call trigger`);
    const withValues = Object.fromEntries(
      Object.entries(job.with ?? {}).map(([k, v]) => [k, interpolate(v, context)]),
    );
    const calledInputs = typedInputs(call.inputs ?? {}, withValues, job.uses!);
    const calledJobs = Object.entries(workflow.jobs ?? {});
    if (calledJobs.length !== 1)
      throw new SealboxError('UNSUPPORTED', `${job.uses}: the local runner runs one job`);
    const [jobId, boxJob] = calledJobs[0]!;
    const runsOn = [boxJob['runs-on'] ?? []].flat();
    const identity: RunIdentity = {
      repository: run.repo,
      repositoryId: 100001,
      repositoryOwnerId: 200001,
      visibility: 'public',
      workflowPath: `.github/workflows/${run.workflow}`,
      workflowName: caller.name ?? run.workflow,
      ref: run.ref.startsWith('refs/') ? run.ref : `refs/heads/${run.ref}`,
      sha,
      jobWorkflowRef: `${calledRepo}/${calledPath}@${called!.ref}`,
      jobWorkflowSha: called!.commit.sha,
      runId: run.id,
      runAttempt: run.run_attempt,
      runNumber: run.id,
      runnerEnvironment: runsOn.includes('self-hosted') ? 'self-hosted' : 'github-hosted',
      eventName: 'workflow_dispatch',
      actor: run.actor?.login ?? 'octocat',
      actorId: run.actor?.id ?? 583231,
    };
    // The job's GITHUB_TOKEN: github-actions[bot], writing to the run's own repository.
    const token = github.jobToken(run.repo);
    const workspace = mkdtempSync(join(tmpdir(), 'sealbox-runner-'));
    const temp = mkdtempSync(join(tmpdir(), 'sealbox-runner-temp-'));
    try {
      const job: JobContext = {
        identity,
        token,
        workspace,
        temp,
        record,
        env: this.#jobEnv(identity, {
          workspace,
          temp,
          idToken: hasWrite(boxJob.permissions, 'id-token'),
          workflowRef: `${run.repo}/.github/workflows/${run.workflow}@${identity.ref}`,
        }),
      };
      const stepContext: Context = {
        inputs: calledInputs,
        github: { token, ...(context.github as object) },
        steps: {} as Record<string, { outputs: Record<string, string> }>,
      };
      for (const [i, step] of (boxJob.steps ?? []).entries()) {
        if (
          step.if !== undefined &&
          !evaluate(step.if.replace(/^\s*\$\{\{|\}\}\s*$/g, ''), stepContext)
        )
          continue;
        const id = step.id ?? `step${i}`;
        const label = step.name ?? id;
        let outcome: { code: number | null; outputs: Record<string, string> };
        if (step.run !== undefined) {
          if (step.uses !== undefined)
            throw new SealboxError('UNSUPPORTED', `step ${label}: both run: and uses:`);
          outcome = await this.#runScript(asText(interpolate(step.run, stepContext)), step, job);
        } else if (/^actions\/checkout@/.test(step.uses ?? '')) {
          this.#checkout(run.repo, sha, step, job);
          outcome = { code: 0, outputs: {} };
        } else if ((step.uses ?? '').startsWith('./')) {
          const withStep = Object.fromEntries(
            Object.entries(step.with ?? {}).map(([k, v]) => [
              k,
              asText(interpolate(v, stepContext)),
            ]),
          );
          outcome = await this.#runLocalAction(step.uses!, withStep, job);
        } else
          throw new SealboxError(
            'UNSUPPORTED',
            `step ${label}: uses: ${step.uses ?? '(nothing)'}: the local runner runs run: steps, actions/checkout and local actions (uses: ./path) only`,
          );
        record.steps[id] = outcome.outputs;
        (stepContext.steps as Record<string, { outputs: Record<string, string> }>)[id] = {
          outputs: outcome.outputs,
        };
        if (outcome.code !== 0) {
          // As on GitHub: a failed step fails the job, and the steps after it do not run.
          record.conclusion = 'failure';
          record.error = `step "${label}" failed (exit ${outcome.code})`;
          record.log += `runner: ${record.error}\n`;
          break;
        }
      }
      record.outputs = Object.fromEntries(
        Object.entries(call.outputs ?? {}).map(([k, o]) => {
          const jobOutputs = Object.fromEntries(
            Object.entries(boxJob.outputs ?? {}).map(([jk, jv]) => [
              jk,
              asText(interpolate(jv, stepContext)),
            ]),
          );
          return [k, asText(interpolate(o.value, { jobs: { [jobId]: { outputs: jobOutputs } } }))];
        }),
      );
    } finally {
      rmSync(workspace, { recursive: true, force: true });
      rmSync(temp, { recursive: true, force: true });
    }
    record.conclusion ??= 'success';
  }

  /** The environment every step of the job starts from. */
  #jobEnv(
    identity: RunIdentity,
    o: { workspace: string; temp: string; idToken: boolean; workflowRef: string },
  ): Record<string, string> {
    const home = join(o.temp, 'home');
    mkdirSync(home);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_API_URL: this.#host.githubApiUrl,
      GITHUB_SERVER_URL: this.#host.githubServerUrl,
      GITHUB_REPOSITORY: identity.repository,
      GITHUB_REPOSITORY_OWNER: identity.repository.split('/')[0]!,
      GITHUB_SHA: identity.sha,
      GITHUB_REF: identity.ref,
      GITHUB_RUN_ID: String(identity.runId),
      GITHUB_RUN_ATTEMPT: String(identity.runAttempt),
      GITHUB_RUN_NUMBER: String(identity.runNumber),
      GITHUB_WORKFLOW: identity.workflowName,
      GITHUB_WORKFLOW_REF: o.workflowRef,
      GITHUB_WORKFLOW_SHA: identity.sha,
      GITHUB_EVENT_NAME: identity.eventName,
      GITHUB_ACTOR: identity.actor,
      GITHUB_JOB: 'box',
      GITHUB_WORKSPACE: o.workspace,
      RUNNER_ENVIRONMENT: identity.runnerEnvironment,
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: o.temp,
      // No SEALBOX_FULCIO_URL and the like: as on GitHub, a job learns its
      // instance's Sigstore from the instance (GET /meta), not from variables.
    };
    if (this.debug)
      Object.assign(env, { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true', SEALBOX_DEBUG: '1' });
    if (o.idToken) {
      const c = this.#host.registerRun(identity);
      env.ACTIONS_ID_TOKEN_REQUEST_URL = c.requestUrl;
      env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = c.requestToken;
    }
    // The machine's variables (PATH, HOME, ...) replace the defaults, but
    // never the ones the runner sets for the job itself, as on GitHub.
    const own = Object.entries(env).filter(([k]) => /^(GITHUB_|ACTIONS_|RUNNER_)/.test(k));
    return { ...env, ...this.machineEnv, ...Object.fromEntries(own) };
  }

  /** actions/checkout: the run's repository at the run's commit, into the workspace or `path`. */
  #checkout(repository: string, sha: string, step: Step, job: JobContext): void {
    const unknown = Object.keys(step.with ?? {}).filter(
      (k) => k !== 'persist-credentials' && k !== 'path',
    );
    if (unknown.length)
      throw new SealboxError(
        'UNSUPPORTED',
        `actions/checkout with ${unknown.join(', ')}: the local runner checks out the run's commit only`,
      );
    const path = step.with?.path;
    const dir = path === undefined ? job.workspace : inside(job.workspace, String(path), 'path');
    for (const [p, text] of this.#host.github.commitAt(repository, sha)!.files) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text, { mode: p.endsWith('.sh') ? 0o755 : 0o644 });
    }
  }

  /** A `run:` step: its script in a file, run by its shell in the workspace. */
  async #runScript(
    script: string,
    step: Step,
    job: JobContext,
  ): Promise<{ code: number | null; outputs: Record<string, string> }> {
    const shell = SHELLS[step.shell ?? 'bash'];
    if (!shell)
      throw new SealboxError(
        'UNSUPPORTED',
        `step ${step.name ?? step.id}: shell ${step.shell}: the local runner runs sh and bash`,
      );
    const file = join(job.temp, `step-${randomUUID()}.sh`);
    writeFileSync(file, script);
    const [command, args] = shell(file);
    return this.#process(command, args, {}, job);
  }

  /** A local action (`uses: ./path`): a node action from the workspace, with its inputs. */
  async #runLocalAction(
    uses: string,
    withStep: Record<string, string>,
    job: JobContext,
  ): Promise<{ code: number | null; outputs: Record<string, string> }> {
    const dir = inside(job.workspace, uses, 'uses:');
    let text: string;
    try {
      text = readFileSync(join(dir, 'action.yml'), 'utf8');
    } catch {
      throw new SealboxError(
        'INPUT_NOT_FOUND',
        `uses: ${uses}: can't find 'action.yml' under ${dir} (did an earlier step put it there?)`,
      );
    }
    const action = parseYaml(text) as {
      inputs?: Record<string, { default?: string }>;
      runs?: { using?: string; main?: string };
    };
    if (!/^node(20|24)$/.test(action.runs?.using ?? '') || !action.runs?.main)
      throw new SealboxError(
        'UNSUPPORTED',
        `uses: ${uses}: runs ${action.runs?.using ?? 'nothing'}: the local runner runs node actions`,
      );
    const inputs = action.inputs ?? {};
    const unknown = Object.keys(withStep).filter((k) => !(k in inputs));
    if (unknown.length)
      throw new SealboxError(
        'USAGE',
        `uses: ${uses}: the action has no input ${unknown.join(', ')}`,
      );
    const env: Record<string, string> = {};
    for (const [name, spec] of Object.entries(inputs)) {
      const given = withStep[name] ?? spec.default ?? '';
      env[`INPUT_${name.toUpperCase()}`] = asText(
        interpolate(given, { github: { token: job.token } }),
      );
    }
    return this.#process(process.execPath, [inside(dir, action.runs.main, 'runs.main')], env, job);
  }

  /** One step's process, with the job's environment, a fresh GITHUB_OUTPUT and the summary. */
  async #process(
    command: string,
    args: string[],
    extra: Record<string, string>,
    job: JobContext,
  ): Promise<{ code: number | null; outputs: Record<string, string> }> {
    const step = mkdtempSync(join(job.temp, 'step-'));
    const outputFile = join(step, 'output');
    const summaryFile = join(step, 'summary');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: job.workspace,
        env: { ...job.env, ...extra, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (d) => (job.record.log += d));
      child.stderr.on('data', (d) => (job.record.log += d));
      child.on('error', reject);
      child.on('close', resolve);
    });
    job.record.summary += readFileSync(summaryFile, 'utf8');
    return { code, outputs: parseOutputFile(readFileSync(outputFile, 'utf8')) };
  }
}
