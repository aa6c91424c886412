// `receipt`: a participant's comment is in the result, accepted, with the
// ciphertext they posted.
import { failed, notEvaluated, passed, type Check } from '../../check.ts';
import type { BoxEvidence, Receipt } from './evidence.ts';

export function receiptCheck(e: BoxEvidence, receipt: Receipt): Check {
  if (!e.result.ok) return notEvaluated('receipt', e.result.reason);
  if (!e.manifest.ok) return notEvaluated('receipt', e.manifest.reason);
  const result = e.result.value;
  const s = result.submissions.find((x) => x.comment_id === receipt.comment_id);
  if (receipt.box_id !== e.manifest.value.box_id)
    return failed('receipt', 'RECEIPT', `the receipt is for box ${receipt.box_id}, not this one`);
  if (!s) return failed('receipt', 'RECEIPT', `comment ${receipt.comment_id} is not in the result`);
  if (s.ciphertext_sha256 !== receipt.ciphertext_sha256)
    return failed(
      'receipt',
      'RECEIPT',
      `comment ${receipt.comment_id} is ${s.status} with another ciphertext than the receipt's`,
    );
  return s.status === 'accepted'
    ? passed('receipt', `comment ${receipt.comment_id} is in the result, accepted`)
    : failed(
        'receipt',
        'RECEIPT',
        `comment ${receipt.comment_id} is ${s.status}${s.reason ? ` (${s.reason})` : ''}`,
      );
}
