// The computations a box can run, by name (docs/spec/computations-v1.1.md).
import { SealboxError } from '../../errors.ts';
import { auction } from './auction.ts';
import { ceremony } from './ceremony.ts';
import { reveal } from './reveal.ts';
import { stats } from './stats.ts';
import { tally } from './tally.ts';
import { ParameterError, type Computation, type ComputeInput, type RunContext } from './types.ts';

export type { Computation, ComputeInput, RunContext } from './types.ts';

// A Map: a name such as "constructor" is not a computation.
export const COMPUTATIONS: ReadonlyMap<string, Computation> = new Map(
  [reveal, auction, tally, stats, ceremony].map((c) => [c.name, c]),
);

export function computation(name: string, parameters: Record<string, unknown>): Computation {
  const c = COMPUTATIONS.get(name);
  if (!c)
    throw new SealboxError(
      'USAGE',
      `computation ${JSON.stringify(name)} is not one of ${[...COMPUTATIONS.keys()].join(', ')}`,
    );
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters))
    throw new SealboxError('USAGE', `computation ${name}: parameters are a JSON object`);
  try {
    c.validate(parameters);
  } catch (e) {
    if (!(e instanceof ParameterError)) throw e;
    throw new SealboxError('USAGE', `computation ${name}: ${e.message}`);
  }
  return c;
}

/**
 * Runs the computation. A computation that does not reveal its inputs is
 * withheld when fewer than `minParticipants` inputs are valid inputs to it.
 */
export function compute(
  name: string,
  parameters: Record<string, unknown>,
  inputs: ComputeInput[],
  minParticipants: number,
  context: RunContext = {},
): unknown {
  const c = computation(name, parameters);
  if (!c.reveals(parameters) && c.validInputs(inputs, parameters) < minParticipants) {
    return {
      withheld: true,
      reason: `fewer than min_participants (${minParticipants}) valid inputs among the accepted submissions: the output would reveal them`,
    };
  }
  return c.run(inputs, parameters, context);
}
