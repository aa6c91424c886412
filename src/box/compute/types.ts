// One interface for every computation a box can run over accepted submissions
// (docs/spec/computations-v1.1.md).
export interface ComputeInput {
  author_id: number;
  author_login: string;
  comment_id: number;
  message: string;
  /** The submission carried a reply key the box can seal to (a ceremony's recipients need one). */
  reply_key?: boolean;
}

/** What a computation may need besides its inputs: randomness, held by the box in memory only. */
export interface RunContext {
  /** 32 random bytes (the ceremony's key is made from them); fixed in the vectors. */
  seed?: Uint8Array;
}

export interface Computation {
  name: string;
  /** Whether the output reveals inputs (then min_participants does not apply). */
  reveals(parameters: Record<string, unknown>): boolean;
  /** Throws a ParameterError naming the parameter when parameters are wrong. */
  validate(parameters: Record<string, unknown>): void;
  /** How many inputs are valid inputs to it: those counted against min_participants. */
  validInputs(inputs: ComputeInput[], parameters: Record<string, unknown>): number;
  run(inputs: ComputeInput[], parameters: Record<string, unknown>, context: RunContext): unknown;
}

/** A parameter a computation refuses, by name. */
export class ParameterError extends Error {
  readonly parameter: string;
  constructor(parameter: string, reason: string) {
    super(`parameter ${parameter} ${reason}`);
    this.name = 'ParameterError';
    this.parameter = parameter;
  }
}

/** Refuses members of `parameters` that are not in `known` (a misspelt parameter must not pass unnoticed). */
export function onlyParameters(
  computation: string,
  parameters: Record<string, unknown>,
  known: readonly string[],
): void {
  for (const name of Object.keys(parameters)) {
    if (!known.includes(name))
      throw new ParameterError(
        name,
        known.length
          ? `is not a parameter of ${computation} (${known.join(', ')})`
          : `is not a parameter of ${computation}, which takes none`,
      );
  }
}
