// tally: choices counted; ballots not revealed.
import type { Computation } from './types.ts';

export const tally: Computation = {
  name: 'tally',
  reveals: () => false,
  validate(p) {
    if (
      !Array.isArray(p.choices) ||
      !p.choices.length ||
      !p.choices.every((c) => typeof c === 'string')
    )
      throw new Error('parameter choices is a list of strings');
  },
  run(inputs, p) {
    const choices = p.choices as string[];
    const counts = Object.fromEntries(choices.map((c) => [c, 0]));
    let invalid = 0;
    for (const i of inputs) {
      const c = i.message.trim();
      if (c in counts) counts[c]!++;
      else invalid++;
    }
    return { counts, invalid, ballots: inputs.length };
  },
};
