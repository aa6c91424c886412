// `sealbox box run --repo O/R --workflow FILE [--ref REF] [-f key=value ...]`:
// the operator's one command. It dispatches the caller workflow with a nonce
// input, finds the run by the nonce in its title (no race with other runs),
// waits for the box's manifest and verifies it, prints the address for
// participants, waits for the end, verifies the whole box and prints the
// verdict and the output. Every verification failure is fatal (exit 1).
import { randomBytes } from 'node:crypto';
import type { Octokit } from '@octokit/rest';
import { boxIssueTitlePrefix } from '../box/address.ts';
import { parseAnnouncement } from '../box/bus.ts';
import { parseManifest } from '../box/manifest.ts';
import { DEFAULT_BOX_SIGNER, checkManifest } from '../box/verify.ts';
import { formatTime, windowFrom } from '../box/times.ts';
import { SealboxError, describe, serviceError } from '../errors.ts';
import { issueOfRun, locateBox, readBox, verifyBoxOnGitHub } from '../github/box-locator.ts';
import { SigstoreSignatureVerifier } from '../adapters/sigstore-verifier.ts';
import { selectTrustedRoots } from '../node/trusted-roots.ts';
import { selectReleases } from '../node/releases.ts';
import { policyFromFlags } from '../policy/identity.ts';
import { githubClientFromEnv } from '../node/github-client.ts';
import type { PolicyOptions } from './options.ts';
import { eventSink, type EventsFormat } from './events.ts';
import { printJson, type Format } from './output.ts';

export interface BoxRunOptions extends PolicyOptions {
  workflow: string;
  ref?: string;
  field?: string[];
  interval: string;
  timeout: string;
  format: Format;
  events?: EventsFormat;
}

function fieldsOf(list: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of list) {
    const i = f.indexOf('=');
    if (i <= 0) throw new SealboxError('USAGE', `-f ${f}: give key=value`);
    const key = f.slice(0, i);
    if (key === 'nonce')
      throw new SealboxError('USAGE', '-f nonce: box run sets the nonce input itself');
    out[key] = f.slice(i + 1);
  }
  return out;
}

const seconds = (v: string, flag: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new SealboxError('USAGE', `${flag} ${v}: give a number of seconds above 0`);
  return n * 1000;
};

/** Progress on stderr: one updating line on a terminal, plain lines otherwise. */
function progress() {
  const tty = process.stderr.isTTY;
  let current = '';
  let started = Date.now();
  return {
    step(text: string) {
      if (tty && current) process.stderr.write('\n');
      current = text;
      started = Date.now();
      process.stderr.write(tty ? `sealbox: ${text}` : `sealbox: ${text}\n`);
    },
    tick() {
      if (tty && current)
        process.stderr.write(
          `\r\x1b[2Ksealbox: ${current} (${Math.round((Date.now() - started) / 1000)} s)`,
        );
    },
    done() {
      if (tty && current) process.stderr.write('\n');
      current = '';
    },
  };
}

async function until<T>(
  what: string,
  deadline: number,
  interval: number,
  tick: () => void,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new SealboxError('TIMEOUT', `gave up waiting for ${what} (--timeout)`);
    tick();
    await new Promise((r) => setTimeout(r, interval));
  }
}

async function announced(octokit: Octokit, repository: string, issue: number) {
  const [owner, repo] = repository.split('/') as [string, string];
  const { data } = await octokit.rest.issues.get({ owner, repo, issue_number: issue });
  return parseAnnouncement(data.body ?? '') !== undefined;
}

export async function boxRunCommand(o: BoxRunOptions): Promise<number> {
  if (!o.repo || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(o.repo))
    throw new SealboxError('USAGE', 'box run needs --repo OWNER/REPO: where the workflow is');
  if (!process.env.GITHUB_TOKEN)
    throw new SealboxError(
      'NO_IDENTITY',
      'box run dispatches a workflow as you: set GITHUB_TOKEN (actions write on the repository)',
    );
  const inputs = fieldsOf(o.field);
  const interval = seconds(o.interval, '--interval');
  const deadline = Date.now() + seconds(o.timeout, '--timeout');
  const policy = policyFromFlags(o, { defaultSigner: DEFAULT_BOX_SIGNER });
  const { roots } = await selectTrustedRoots(o.trustedRoot);
  const releases = await selectReleases(o.trustedRoot, roots);
  if (o.allowUnreleasedBoxWorkflow)
    process.stderr.write(`sealbox: ${(await import('./box.ts')).UNRELEASED_WARNING}\n`);
  const octokit = githubClientFromEnv();
  const [owner, repo] = o.repo.split('/') as [string, string];
  const emit = eventSink(o.events);
  const p = progress();
  const say = (line: string) => {
    p.done();
    if (o.format === 'text' && !emit) process.stdout.write(`${line}\n`);
  };

  const ref =
    o.ref ??
    (
      await octokit.rest.repos.get({ owner, repo }).catch((e: unknown) => {
        throw serviceError(o.repo!, e);
      })
    ).data.default_branch;
  const nonce = randomBytes(8).toString('hex');
  try {
    await octokit.rest.actions.createWorkflowDispatch({
      owner,
      repo,
      workflow_id: o.workflow,
      ref,
      inputs: { ...inputs, nonce },
    });
  } catch (e) {
    const status = (e as { status?: number }).status;
    const message = describe(e);
    if (status === 422 && /nonce/.test(message))
      throw new SealboxError(
        'USAGE',
        `${o.workflow}: has no 'nonce' input; box run needs one, and run-name showing it (see examples/workflows)`,
      );
    if (status === 404)
      throw new SealboxError(
        'INPUT_NOT_FOUND',
        `${o.workflow}: no such workflow on ${o.repo}'s default branch (workflow_dispatch needs it there; see examples/workflows/default-branch-stub.yml)`,
      );
    throw serviceError(`dispatching ${o.workflow} on ${o.repo}@${ref}`, e);
  }

  p.step(`dispatched ${o.workflow} at ${ref}; looking for its run`);
  const run = await until('the run to appear', deadline, interval, p.tick, async () => {
    const r = await octokit.rest.actions
      .listWorkflowRuns({
        owner,
        repo,
        workflow_id: o.workflow,
        event: 'workflow_dispatch',
        per_page: 30,
      })
      .catch((e: unknown) => {
        throw serviceError(`runs of ${o.workflow}`, e);
      });
    return r.data.workflow_runs.find((x) => x.display_title.includes(nonce));
  });
  const runId = run.id;
  const attempt = run.run_attempt ?? 1;
  say(`run: ${run.html_url}`);

  const getRun = async () =>
    (
      await octokit.rest.actions
        .getWorkflowRun({ owner, repo, run_id: runId })
        .catch((e: unknown) => {
          throw serviceError(`run ${runId}`, e);
        })
    ).data;

  p.step(`waiting for the box to open (issue titled "${boxIssueTitlePrefix(runId, attempt)}...")`);
  const issue = await until('the box to open', deadline, interval, p.tick, async () => {
    const found = await issueOfRun(octokit, o.repo!, runId, attempt, run.created_at);
    // The issue is opened first; the box is open once its manifest is announced.
    if (found !== undefined && (await announced(octokit, o.repo!, found))) return found;
    const r = await getRun();
    if (r.status === 'completed')
      throw new SealboxError(
        'SERVICE',
        `run ${runId} ended (${r.conclusion}) before it opened a box: see ${r.html_url}`,
      );
    return undefined;
  });
  const located = await locateBox(octokit, { kind: 'issue', repository: o.repo, issue });
  const { announcement } = await readBox(located);

  // The manifest: attested by the box workflow for this run, before anyone submits.
  const {
    digest,
    verification: check,
    release,
  } = await checkManifest(announcement.manifest, announcement.manifestBundle, {
    policy,
    trustedRoots: roots,
    verifier: new SigstoreSignatureVerifier(),
    releases: releases.sources,
    allowUnreleasedBoxWorkflow: o.allowUnreleasedBoxWorkflow,
  });
  const manifest = parseManifest(announcement.manifest);
  const window = windowFrom(check.bundles[0]?.signedTimes ?? [], manifest.window_seconds);
  const opensAt = window ? formatTime(window.opensAt) : announcement.opensAt;
  const closesAt = window ? formatTime(window.closesAt) : announcement.closesAt;
  const problems = [
    ...check.checks.filter((c) => !c.ok).map((c) => c.reason),
    ...(release.ok ? [] : [`${release.code}: ${release.reason}`]),
    ...(manifest.run.run_id !== String(runId) || manifest.run.run_attempt !== String(attempt)
      ? [
          `the manifest names run ${manifest.run.run_id} attempt ${manifest.run.run_attempt}, not ${runId} attempt ${attempt}`,
        ]
      : []),
    ...(!manifest.run.workflow_ref.startsWith(`${o.repo}/.github/workflows/${o.workflow}@`)
      ? [`the manifest names workflow ${manifest.run.workflow_ref}, not ${o.workflow}`]
      : []),
  ];
  if (problems.length) {
    say(`FAIL: the manifest of ${located.address} does not verify: ${problems.join('; ')}`);
    if (emit)
      emit({
        event: 'verified',
        box: located.address,
        ok: false,
        checks: check.checks,
        status: null,
      });
    else if (o.format === 'json')
      printJson({ ok: false, box: located.address, run: runId, problems });
    return 1;
  }
  emit?.({
    event: 'opened',
    box: located.address,
    box_id: manifest.box_id,
    manifest_digest: digest,
    computation: manifest.computation.name,
    opens_at: opensAt,
    closes_at: closesAt,
  });
  say(`box ${located.address} is open from ${opensAt} to ${closesAt}`);
  say(`manifest verified: box ${manifest.box_id}, ${manifest.computation.name}, sha256:${digest}`);
  say('participants submit with:');
  say(`  npx sealbox box submit ${located.address} --repo ${o.repo} < message.txt`);

  p.step(`waiting for the box to close at ${closesAt} and publish its result`);
  const finished = await until('the result', deadline, interval, p.tick, async () => {
    const r = await getRun();
    return r.status === 'completed' ? r : undefined;
  });
  emit?.({ event: 'closed', box: located.address, status: finished.conclusion ?? undefined });
  let verified;
  try {
    verified = await verifyBoxOnGitHub(
      octokit,
      { kind: 'run', repository: o.repo, runId, attempt },
      {
        policy,
        trustedRoots: roots,
        verifier: new SigstoreSignatureVerifier(),
        allowSelfHostedRunners: o.allowSelfHostedRunners,
        releases: releases.sources,
        allowUnreleasedBoxWorkflow: o.allowUnreleasedBoxWorkflow,
      },
    );
  } catch (e) {
    say(
      `FAIL: run ${runId} ended (${finished.conclusion}) without a result on ${located.address}: ${describe(e)}`,
    );
    if (emit)
      emit({
        event: 'verified',
        box: located.address,
        ok: false,
        checks: [],
        status: null,
      });
    else if (o.format === 'json')
      printJson({ ok: false, box: located.address, run: runId, problems: ['no result'] });
    return 1;
  }
  const v = {
    ...verified.verification,
    notes: [...releases.notes, ...verified.verification.notes, ...verified.notes],
  };
  p.done();
  const complete = v.result?.status === 'complete';
  if (emit) {
    for (const n of v.notes) process.stderr.write(`sealbox: note: ${n}\n`);
    emit({
      event: 'verified',
      box: located.address,
      ok: v.ok && complete,
      checks: v.checks,
      status: v.result?.status ?? null,
      output: v.result?.output ?? null,
    });
  } else if (o.format === 'json') {
    printJson({
      ok: v.ok && complete,
      box: located.address,
      run: runId,
      attempt,
      checks: v.checks,
      status: v.result?.status ?? null,
      counts: v.result?.counts ?? null,
      output: v.result?.output ?? null,
      allow_unreleased_box_workflow: Boolean(o.allowUnreleasedBoxWorkflow),
      notes: v.notes,
    });
  } else {
    const failed = v.checks.find((c) => !c.ok);
    say(
      v.ok
        ? `OK: box ${v.manifest?.box_id} in ${located.address} verified: ${v.result?.status}, ${v.result?.counts.accepted} accepted`
        : `FAIL: box in ${located.address}: ${failed?.reason}`,
    );
    for (const c of v.checks)
      say(
        `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(16)} ${c.ok ? c.reason : `${c.code}: ${c.reason}`}`,
      );
    if (v.ok) {
      if (!complete) say(`the box aborted: ${v.result?.reason ?? 'see the result'}`);
      say('output:');
      say(JSON.stringify(v.result?.output ?? null, null, 2));
    }
  }
  return v.ok && complete ? 0 : 1;
}
