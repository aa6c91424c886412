// Documents an envelope format refuses to hash, each with a code
// (docs/spec/envelope-v1.md, "Refusals"). Hashing and signing treat a refusal
// as bad input; verification reports it as a failed check `document`.
import type { EnvelopeCode } from '../check.ts';
import { SealboxError } from '../errors.ts';

export type RefusalCode = EnvelopeCode;

export class EnvelopeRefusal extends SealboxError {
  readonly refusal: RefusalCode;
  /** The reason without the document's label. */
  readonly reason: string;
  constructor(refusal: RefusalCode, label: string, reason: string) {
    super('INPUT_INVALID', `${label}: ${reason}`);
    this.name = 'EnvelopeRefusal';
    this.refusal = refusal;
    this.reason = reason;
  }
}
