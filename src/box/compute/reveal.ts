// reveal: every accepted plaintext, published after the close.
import type { Computation } from './types.ts';

export const reveal: Computation = {
  name: 'reveal',
  reveals: () => true,
  validate: () => {},
  run: (inputs) => ({
    submissions: inputs.map((i) => ({
      author_login: i.author_login,
      author_id: i.author_id,
      comment_id: i.comment_id,
      message: i.message,
    })),
  }),
};
