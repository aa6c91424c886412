// reveal: every accepted plaintext, as sent, published after the close.
import { onlyParameters, type Computation } from './types.ts';

export const reveal: Computation = {
  name: 'reveal',
  reveals: () => true,
  validate: (p) => onlyParameters('reveal', p, []),
  validInputs: (inputs) => inputs.length,
  run: (inputs) => ({
    submissions: inputs.map((i) => ({
      author_login: i.author_login,
      author_id: i.author_id,
      comment_id: i.comment_id,
      message: i.message,
    })),
  }),
};
