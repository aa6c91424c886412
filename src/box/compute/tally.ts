// tally: ballots counted per choice; ballots not revealed. Choices are the
// keys of a Map, so a ballot spelling an Object.prototype member (constructor,
// __proto__, ...) is invalid unless the operator listed it as a choice.
import { trimSpace } from './amount.ts';
import { ParameterError, onlyParameters, type Computation, type ComputeInput } from './types.ts';

function choicesOf(p: Record<string, unknown>): string[] {
  return p.choices as string[];
}

function count(inputs: ComputeInput[], choices: string[]) {
  const counts = new Map<string, number>(choices.map((c) => [c, 0]));
  let invalid = 0;
  for (const i of inputs) {
    const ballot = typeof i.message === 'string' ? trimSpace(i.message) : undefined;
    const n = ballot === undefined ? undefined : counts.get(ballot);
    if (n === undefined) invalid++;
    else counts.set(ballot!, n + 1);
  }
  return { counts, invalid };
}

export const tally: Computation = {
  name: 'tally',
  reveals: () => false,
  validate(p) {
    onlyParameters('tally', p, ['choices']);
    const c = p.choices;
    if (!Array.isArray(c) || !c.length || !c.every((x) => typeof x === 'string'))
      throw new ParameterError('choices', 'is a non-empty list of strings');
    if (c.some((x) => x === '' || trimSpace(x) !== x))
      throw new ParameterError(
        'choices',
        'holds an empty choice or one with whitespace around it, which no ballot could match',
      );
    if (new Set(c).size !== c.length) throw new ParameterError('choices', 'names a choice twice');
  },
  validInputs(inputs, p) {
    return inputs.length - count(inputs, choicesOf(p)).invalid;
  },
  run(inputs, p) {
    const { counts, invalid } = count(inputs, choicesOf(p));
    // Object.fromEntries defines own members, so a choice named __proto__ is an ordinary member.
    return { counts: Object.fromEntries(counts), invalid, ballots: inputs.length };
  },
};
