// In-toto statements and the SLSA provenance predicate GitHub's
// actions/attest writes, built from the run's OIDC claims. Portable, and
// deliberately our own: @actions/attest's builder fetches the issuer's
// discovery document from the internet to verify the token first.

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const GITHUB_WORKFLOW_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';

export interface Subject {
  name: string;
  digest: Record<string, string>;
}

export function statement(subjects: Subject[], predicateType: string, predicate: unknown) {
  return { _type: IN_TOTO_STATEMENT_V1, subject: subjects, predicateType, predicate };
}

/** The claims of a GitHub Actions OIDC token that provenance is built from. */
export type ActionsClaims = Record<string, unknown>;

function claim(claims: ActionsClaims, name: string): string {
  const v = claims[name];
  if (typeof v !== 'string' || !v) throw new Error(`the identity token has no ${name} claim`);
  return v;
}

export function slsaProvenance(claims: ActionsClaims, serverUrl = 'https://github.com') {
  const repository = claim(claims, 'repository');
  const workflowRef = claim(claims, 'workflow_ref');
  const [workflowPath, ref] = workflowRef.replace(`${repository}/`, '').split('@');
  return {
    buildDefinition: {
      buildType: GITHUB_WORKFLOW_BUILD_TYPE,
      externalParameters: {
        workflow: { ref, repository: `${serverUrl}/${repository}`, path: workflowPath },
      },
      internalParameters: {
        github: {
          event_name: claim(claims, 'event_name'),
          repository_id: claim(claims, 'repository_id'),
          repository_owner_id: claim(claims, 'repository_owner_id'),
          runner_environment: claim(claims, 'runner_environment'),
        },
      },
      resolvedDependencies: [
        {
          uri: `git+${serverUrl}/${repository}@${claim(claims, 'ref')}`,
          digest: { gitCommit: claim(claims, 'sha') },
        },
      ],
    },
    runDetails: {
      builder: { id: `${serverUrl}/${claim(claims, 'job_workflow_ref')}` },
      metadata: {
        invocationId: `${serverUrl}/${repository}/actions/runs/${claim(claims, 'run_id')}/attempts/${claim(claims, 'run_attempt')}`,
      },
    },
  };
}
