// The computations a box can run, by name.
import { SealboxError } from '../../errors.ts';
import { auction } from './auction.ts';
import { reveal } from './reveal.ts';
import { stats } from './stats.ts';
import { tally } from './tally.ts';
import type { Computation, ComputeInput } from './types.ts';

export type { Computation, ComputeInput } from './types.ts';

export const COMPUTATIONS: Record<string, Computation> = { reveal, auction, tally, stats };

export function computation(name: string, parameters: Record<string, unknown>): Computation {
  const c = COMPUTATIONS[name];
  if (!c)
    throw new SealboxError(
      'USAGE',
      `computation ${JSON.stringify(name)} is not one of ${Object.keys(COMPUTATIONS).join(', ')}`,
    );
  try {
    c.validate(parameters);
  } catch (e) {
    throw new SealboxError('USAGE', `computation ${name}: ${(e as Error).message}`);
  }
  return c;
}

/** Runs the computation, withholding a non-revealing output from too small a group. */
export function compute(
  name: string,
  parameters: Record<string, unknown>,
  inputs: ComputeInput[],
  minParticipants: number,
): unknown {
  const c = computation(name, parameters);
  if (!c.reveals(parameters) && inputs.length < minParticipants) {
    return {
      withheld: true,
      reason: `fewer than min_participants (${minParticipants}) submissions were accepted: the output would reveal them`,
    };
  }
  return c.run(inputs, parameters);
}
