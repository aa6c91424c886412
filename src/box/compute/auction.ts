// auction: sealed bids. First- or second-price, an optional reserve, ties to
// the earliest comment, bids revealed only when the parameters say so.
import { numberOf, type Computation } from './types.ts';

export const auction: Computation = {
  name: 'auction',
  reveals: (p) => p.reveal_bids === true,
  validate(p) {
    if (p.type !== undefined && p.type !== 'first-price' && p.type !== 'second-price')
      throw new Error('parameter type is first-price or second-price');
    if (p.reserve !== undefined && typeof p.reserve !== 'number')
      throw new Error('parameter reserve is a number');
    if (p.reveal_bids !== undefined && typeof p.reveal_bids !== 'boolean')
      throw new Error('parameter reveal_bids is true or false');
  },
  run(inputs, p) {
    const reserve = typeof p.reserve === 'number' ? p.reserve : undefined;
    const bids = inputs.map((i) => ({ ...i, amount: numberOf(i.message) }));
    const valid = bids.filter(
      (b): b is typeof b & { amount: number } =>
        b.amount !== undefined && (reserve === undefined || b.amount >= reserve),
    );
    // Inputs come in acceptance (created_at) order: a stable sort keeps the earliest first among equals.
    const ranked = [...valid].sort((a, b) => b.amount - a.amount);
    const winner = ranked[0];
    const price = !winner
      ? undefined
      : p.type === 'second-price'
        ? (ranked[1]?.amount ?? reserve ?? winner.amount)
        : winner.amount;
    // Each bidder learns privately whether they won (a reply, when they asked for one).
    const replies = Object.fromEntries(
      bids.map((b) => [
        b.comment_id,
        { won: b === winner, price: b === winner ? (price ?? null) : null },
      ]),
    );
    return {
      replies,
      type: p.type ?? 'first-price',
      reserve: reserve ?? null,
      valid_bids: valid.length,
      invalid_bids: bids.length - valid.length,
      winner: winner
        ? {
            author_login: winner.author_login,
            author_id: winner.author_id,
            comment_id: winner.comment_id,
          }
        : null,
      price: price ?? null,
      ...(p.reveal_bids === true
        ? {
            bids: bids.map((b) => ({
              author_login: b.author_login,
              amount: b.amount ?? null,
              message: b.message,
            })),
          }
        : {}),
    };
  },
};
