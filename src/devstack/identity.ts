// A simulated GitHub Actions run, and the OIDC claims GitHub would put in its
// token (https://docs.github.com/actions/reference/openid-connect-reference).
import { GITHUB_ACTIONS_ISSUER } from '../policy/identity.ts';

export interface RunIdentity {
  /** OWNER/REPO of the source repository. */
  repository: string;
  repositoryId: number;
  repositoryOwnerId: number;
  visibility: 'public' | 'private' | 'internal';
  /** The caller workflow path, e.g. .github/workflows/release.yml */
  workflowPath: string;
  workflowName: string;
  ref: string;
  sha: string;
  /**
   * The workflow whose job runs: the caller's own, or a reusable workflow in
   * another repository, as OWNER/REPO/.github/workflows/F.yml@REF.
   */
  jobWorkflowRef?: string;
  jobWorkflowSha?: string;
  runId: number;
  runAttempt: number;
  runNumber: number;
  runnerEnvironment: 'github-hosted' | 'self-hosted';
  eventName: string;
  actor: string;
  actorId: number;
}

export const DEFAULT_RUN: RunIdentity = {
  repository: 'demo/sealbox',
  repositoryId: 100001,
  repositoryOwnerId: 200001,
  visibility: 'public',
  workflowPath: '.github/workflows/release.yml',
  workflowName: 'Release',
  ref: 'refs/heads/main',
  sha: '1111111111111111111111111111111111111111',
  runId: 4242,
  runAttempt: 1,
  runNumber: 7,
  runnerEnvironment: 'github-hosted',
  eventName: 'workflow_dispatch',
  actor: 'octocat',
  actorId: 583231,
};

export function workflowRef(run: RunIdentity): string {
  return `${run.repository}/${run.workflowPath}@${run.ref}`;
}

/** The token claims GitHub issues for this run (without iat/exp/aud, set when signing). */
export function githubClaims(run: RunIdentity): Record<string, string> {
  const [owner] = run.repository.split('/');
  const jobWorkflowRef = run.jobWorkflowRef ?? workflowRef(run);
  return {
    iss: GITHUB_ACTIONS_ISSUER,
    sub: `repo:${run.repository}:ref:${run.ref}`,
    ref: run.ref,
    ref_type: run.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha: run.sha,
    repository: run.repository,
    repository_id: String(run.repositoryId),
    repository_owner: owner!,
    repository_owner_id: String(run.repositoryOwnerId),
    repository_visibility: run.visibility,
    run_id: String(run.runId),
    run_number: String(run.runNumber),
    run_attempt: String(run.runAttempt),
    runner_environment: run.runnerEnvironment,
    actor: run.actor,
    actor_id: String(run.actorId),
    workflow: run.workflowName,
    workflow_ref: workflowRef(run),
    workflow_sha: run.sha,
    job_workflow_ref: jobWorkflowRef,
    job_workflow_sha: run.jobWorkflowSha ?? run.sha,
    event_name: run.eventName,
  };
}
