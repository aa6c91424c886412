// Consistency of transparency log entries beyond what @sigstore/verify checks.
// Portable (no Node APIs).
//
// @sigstore/verify proves inclusion against the signed checkpoint's root hash
// and tree size, and ignores the inclusion proof's own `rootHash` and
// `treeSize`. A bundle whose stated values disagree with its signed
// checkpoint is internally inconsistent (altered or badly built), so we
// refuse it instead of letting unauthenticated fields ride along.
import type { Bundle } from '@sigstore/bundle';
import { failed, passed, type Check } from '../check.ts';
import { toBase64 } from '../bytes.ts';

export function checkLogEntries(bundle: Bundle): Check {
  const entries = bundle.verificationMaterial.tlogEntries;
  for (const [i, entry] of entries.entries()) {
    const proof = entry.inclusionProof;
    if (!proof?.checkpoint?.envelope) continue;
    const [, size, rootHash] = proof.checkpoint.envelope.split('\n');
    if (size !== proof.treeSize) {
      return failed(
        'log_entry',
        'TLOG_INCONSISTENT',
        `log entry ${i}: inclusion proof tree size ${proof.treeSize} differs from its signed checkpoint's ${size ?? '(none)'}`,
      );
    }
    if (rootHash !== toBase64(proof.rootHash)) {
      return failed(
        'log_entry',
        'TLOG_INCONSISTENT',
        `log entry ${i}: inclusion proof root hash differs from its signed checkpoint's`,
      );
    }
  }
  return passed(
    'log_entry',
    entries.length
      ? `${entries.length} log entr${entries.length === 1 ? 'y' : 'ies'} consistent with their checkpoints`
      : 'no log entries',
  );
}
