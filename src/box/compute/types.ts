// One interface for every computation a box can run over accepted submissions.
export interface ComputeInput {
  author_id: number;
  author_login: string;
  comment_id: number;
  message: string;
}

export interface Computation {
  name: string;
  /** Whether the output reveals inputs (then min_participants does not apply). */
  reveals(parameters: Record<string, unknown>): boolean;
  /** Throws a message naming the parameter when parameters are wrong. */
  validate(parameters: Record<string, unknown>): void;
  run(inputs: ComputeInput[], parameters: Record<string, unknown>): unknown;
}

export function numberOf(message: string): number | undefined {
  const t = message.trim();
  if (!/^-?\d+(\.\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}
