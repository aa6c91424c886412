// `issue`: the evidence came from the issue the manifest names, posted by the
// box's own author; another box's genuine evidence shown in an issue fails.
import { failed, notEvaluated, passed, type Check } from '../../check.ts';
import { MANIFEST_VERSION_V1 } from '../manifest.ts';
import type { BoxEvidence, BoxVerifyOptions } from './evidence.ts';

export function issueCheck(e: BoxEvidence, o: BoxVerifyOptions): Check {
  if (!e.manifest.ok) return notEvaluated('issue', e.manifest.reason);
  const m = e.manifest.value;
  if (m.version === MANIFEST_VERSION_V1)
    return o.allowUnreleasedBoxWorkflow
      ? passed('issue', 'v1 evidence names no issue (allowed: unreleased box workflows)')
      : failed(
          'issue',
          'V1_EVIDENCE',
          "v1 evidence is not bound to its issue (a manifest of sealbox-box/v1); it verifies only where unreleased box workflows are allowed ('sealbox box verify --allow-unreleased-box-workflow')",
        );
  const origin = o.origin;
  if (m.bus.kind === 'directory')
    return origin
      ? failed('issue', 'WRONG_ISSUE', `the manifest names a directory bus, not an issue`)
      : passed('issue', `a directory bus (${m.bus.address}): no issue to bind`);
  const bus = m.bus;
  if (bus.repository.toLowerCase() !== m.run.repository.toLowerCase())
    return failed(
      'issue',
      'WRONG_ISSUE',
      `the manifest's issue is in ${bus.repository}, its run in ${m.run.repository}`,
    );
  if (!origin)
    return passed(
      'issue',
      `the manifest names ${bus.address} (read from files: not compared with GitHub)`,
    );
  const problems: string[] = [];
  if (
    origin.repository.toLowerCase() !== bus.repository.toLowerCase() ||
    origin.number !== bus.issue
  )
    problems.push(
      `read from ${origin.repository}#${origin.number}, the manifest names ${bus.address}`,
    );
  if (origin.nodeId !== bus.issue_node_id)
    problems.push(
      `the issue's node id is ${origin.nodeId}, the manifest names ${bus.issue_node_id}`,
    );
  if (origin.authorId !== bus.author.id)
    problems.push(
      `the issue was opened by user ${origin.authorId}, the box posts as ${bus.author.id} (${bus.author.login})`,
    );
  if (origin.resultAuthorId !== bus.author.id)
    problems.push(
      `the result was posted by user ${origin.resultAuthorId}, not by the box (${bus.author.login})`,
    );
  return problems.length
    ? failed('issue', 'WRONG_ISSUE', problems.join('; '))
    : passed(
        'issue',
        `read from ${bus.address}, opened and answered by ${bus.author.login}, as the manifest names`,
      );
}
