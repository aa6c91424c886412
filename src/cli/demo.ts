// `sealbox demo`: the whole sealed-box ceremony on the local stack. The box
// and the local stack are not built yet; until they are, say so plainly.
import { SealboxError } from '../errors.ts';

export async function demoCommand(): Promise<number> {
  throw new SealboxError(
    'NOT_AVAILABLE',
    'demo: not available yet: the sealed box and the local stack are still being built (see README)',
  );
}
