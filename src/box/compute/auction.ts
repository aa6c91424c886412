// auction: sealed bids, exact amounts. First- or second-price, an optional
// reserve, ties to the earliest accepted bid, bids revealed only when the
// parameters say so. Amounts in the output are canonical decimal strings.
import {
  compareAmounts,
  formatAmount,
  isNegative,
  parseAmount,
  trimSpace,
  type Amount,
} from './amount.ts';
import { ParameterError, onlyParameters, type Computation, type ComputeInput } from './types.ts';

const PARAMETERS = ['type', 'reserve', 'reveal_bids'] as const;

/** The reserve as an amount: a decimal string, or a JSON integer a double holds exactly. */
function reserveOf(p: Record<string, unknown>): Amount | undefined {
  const r = p.reserve;
  if (r === undefined) return undefined;
  const bad = () =>
    new ParameterError(
      'reserve',
      'is an amount of at least 0: a decimal string such as "10.5", or a JSON integer below 2^53',
    );
  if (typeof r === 'number') {
    if (!Number.isSafeInteger(r) || r < 0) throw bad();
    return { units: BigInt(r), scale: 0 };
  }
  if (typeof r !== 'string') throw bad();
  const a = parseAmount(r);
  // The string itself must be the amount: no whitespace around it.
  if (!a || isNegative(a) || r !== trimSpace(r)) throw bad();
  return a;
}

interface Bid extends ComputeInput {
  /** The amount, when the message is one of at least 0. */
  amount?: Amount;
}

function bidsOf(inputs: ComputeInput[]): Bid[] {
  return inputs.map((i) => {
    const a = parseAmount(i.message);
    return a && !isNegative(a) ? { ...i, amount: a } : { ...i };
  });
}

export const auction: Computation = {
  name: 'auction',
  reveals: (p) => p.reveal_bids === true,
  validate(p) {
    onlyParameters('auction', p, PARAMETERS);
    if (p.type !== undefined && p.type !== 'first-price' && p.type !== 'second-price')
      throw new ParameterError('type', 'is first-price or second-price');
    reserveOf(p);
    if (p.reveal_bids !== undefined && typeof p.reveal_bids !== 'boolean')
      throw new ParameterError('reveal_bids', 'is true or false');
  },
  validInputs: (inputs) => bidsOf(inputs).filter((b) => b.amount).length,
  run(inputs, p) {
    const reserve = reserveOf(p);
    const bids = bidsOf(inputs);
    const amounts = bids.filter((b): b is Bid & { amount: Amount } => b.amount !== undefined);
    const qualifying = amounts.filter((b) => !reserve || compareAmounts(b.amount, reserve) >= 0);
    // The highest amount; among equals the earliest (inputs come in acceptance order).
    let winner: (typeof qualifying)[number] | undefined;
    for (const b of qualifying)
      if (!winner || compareAmounts(b.amount, winner.amount) > 0) winner = b;
    let price: Amount | undefined;
    if (winner) {
      if (p.type === 'second-price') {
        let second: Amount | undefined;
        for (const b of qualifying)
          if (b !== winner && (!second || compareAmounts(b.amount, second) > 0)) second = b.amount;
        price = second ?? reserve ?? winner.amount;
      } else price = winner.amount;
    }
    const priceText = price ? formatAmount(price) : null;
    // Each bidder learns privately whether they won (a reply, when they asked for one).
    const replies = Object.fromEntries(
      bids.map((b) => [
        b.comment_id,
        { won: b === winner, price: b === winner ? priceText : null },
      ]),
    );
    return {
      replies,
      type: p.type ?? 'first-price',
      reserve: reserve ? formatAmount(reserve) : null,
      valid_bids: qualifying.length,
      below_reserve: amounts.length - qualifying.length,
      invalid_bids: bids.length - amounts.length,
      winner: winner
        ? {
            author_login: winner.author_login,
            author_id: winner.author_id,
            comment_id: winner.comment_id,
          }
        : null,
      price: priceText,
      ...(p.reveal_bids === true
        ? {
            bids: bids.map((b) => ({
              author_login: b.author_login,
              amount: b.amount ? formatAmount(b.amount) : null,
              message: b.message,
            })),
          }
        : {}),
    };
  },
};
