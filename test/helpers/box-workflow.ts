// A repository on the local stack whose workflow calls sealbox's box.yml, as
// an operator writes it, dispatched and run by the stack's runner.
import { Octokit } from '@octokit/rest';
import { sealboxRelease, type DevStack } from '../../src/devstack/index.ts';

/** A caller workflow: box.yml at `ref`, a one-second reveal box unless `inputs` say otherwise. */
export const boxCaller = (
  ref: string,
  inputs = 'computation: reveal\n      window: 1',
) => `name: box
on:
  workflow_dispatch:
permissions: {}
jobs:
  box:
    permissions:
      id-token: write
      attestations: write
      issues: write
      contents: read
    uses: sealbox/sealbox/.github/workflows/box.yml@${ref}
    with:
      ${inputs}
`;

/**
 * Commits a caller of box.yml at `ref` (default: the stack's release) to
 * `repo` (with `inputs`, YAML lines under `with:`), dispatches it as the
 * repository's owner and waits for the job.
 */
export async function dispatchBox(
  stack: DevStack,
  repo: string,
  ref = sealboxRelease(stack).tag,
  inputs?: string,
) {
  const gh = stack.github;
  gh.putFiles(repo, { '.github/workflows/box.yml': boxCaller(ref, inputs) });
  const [owner, name] = repo.split('/') as [string, string];
  const octokit = new Octokit({ auth: gh.tokenFor(owner), baseUrl: stack.githubApiUrl });
  await octokit.rest.actions.createWorkflowDispatch({
    owner,
    repo: name,
    workflow_id: 'box.yml',
    ref: 'main',
  });
  const run = gh.runs.find((r) => r.repo === repo)!;
  const job = await stack.runner.finished(run.id);
  return { job, url: `${stack.githubServerUrl}/${repo}/actions/runs/${run.id}` };
}
