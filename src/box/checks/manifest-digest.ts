// `manifest_digest`: the result is bound to this manifest.
import { failed, notEvaluated, passed, type Check } from '../../check.ts';
import type { BoxEvidence } from './evidence.ts';

export function manifestDigestCheck(e: BoxEvidence): Check {
  if (!e.result.ok) return notEvaluated('manifest_digest', e.result.reason);
  if (!e.manifest.ok) return notEvaluated('manifest_digest', e.manifest.reason);
  const result = e.result.value;
  const manifest = e.manifest.value;
  return result.manifest_digest === e.manifestDigest && result.box_id === manifest.box_id
    ? passed('manifest_digest', `result names manifest ${e.manifestDigest}`)
    : failed(
        'manifest_digest',
        'MANIFEST_MISMATCH',
        `result names manifest ${result.manifest_digest} (box ${result.box_id}), the manifest is ${e.manifestDigest} (box ${manifest.box_id})`,
      );
}
