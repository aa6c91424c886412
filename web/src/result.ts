// A verified box's result, for people: the outcome of its computation drawn
// for what it is (an auction's bids, winner and price; a tally's bar chart;
// statistics as a table; revealed messages; a ceremony's public key and who
// holds a share), the raw result.json behind a
// toggle, and the transcript of every submission as a sortable table with
// counts per reason. Statuses and reasons are shown as the result names them,
// so ones this page has never seen still show. Everything here came from a
// result that verified, but its text is still only ever set as text, and a
// shape this page does not know falls back to JSON.
import { h } from './dom.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** An amount: a decimal string (result v1.1, exact) or a number (v1). */
const DECIMAL = /^-?\d+(\.\d+)?$/;
const isAmount = (v: unknown): v is string | number =>
  isNumber(v) || (typeof v === 'string' && v.length <= 200 && DECIMAL.test(v));

/** Orders two amounts exactly, without turning a long decimal into a float. */
export function compareAmounts(a: string | number, b: string | number): number {
  const parts = (v: string | number) => {
    const t = String(v);
    const negative = t.startsWith('-');
    const [whole = '', fraction = ''] = (negative ? t.slice(1) : t).split('.');
    return {
      negative,
      whole: whole.replace(/^0+(?=\d)/, ''),
      fraction: fraction.replace(/0+$/, ''),
    };
  };
  const x = parts(a);
  const y = parts(b);
  const sign = x.negative ? -1 : 1;
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  if (x.whole.length !== y.whole.length) return sign * (x.whole.length - y.whole.length);
  if (x.whole !== y.whole) return sign * (x.whole < y.whole ? -1 : 1);
  const width = Math.max(x.fraction.length, y.fraction.length);
  const fx = x.fraction.padEnd(width, '0');
  const fy = y.fraction.padEnd(width, '0');
  return fx === fy ? 0 : sign * (fx < fy ? -1 : 1);
}
const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === null || v === undefined ? '-' : JSON.stringify(v);

export interface ResultLike {
  status?: unknown;
  reason?: unknown;
  closed_at?: unknown;
  counts?: unknown;
  submissions?: unknown;
  output?: unknown;
}

export interface ComputationLike {
  name: string;
  parameters?: Record<string, unknown>;
}

function rawJson(value: unknown, label: string): HTMLElement {
  return h(
    'details',
    { class: 'raw' },
    h('summary', {}, label),
    h('pre', { class: 'json', tabindex: '0' }, JSON.stringify(value, null, 2)),
  );
}

/** A table that scrolls sideways in its own (focusable) box when wider than the screen. */
function scrolling(caption: string, t: HTMLElement): HTMLElement {
  return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': caption }, t);
}

function table(caption: string, head: string[], rows: (string | Node)[][], cls = ''): HTMLElement {
  return scrolling(
    caption,
    h(
      'table',
      { class: `data ${cls}` },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
    ),
  );
}

// ------------------------------------------------------------ computations

function auction(out: Json, p: Record<string, unknown>): HTMLElement | null {
  const winner = out.winner;
  if (!(winner === null || isObject(winner)) || !(out.price === null || isAmount(out.price)))
    return null;
  const second = out.type === 'second-price';
  const bids = Array.isArray(out.bids) ? out.bids.filter(isObject) : undefined;
  const winnerLogin = isObject(winner) ? text(winner.author_login) : undefined;
  return h(
    'div',
    { class: 'computation auction', 'data-computation': 'auction' },
    winner
      ? h(
          'p',
          { class: 'headline' },
          h('strong', { 'data-winner': winnerLogin }, winnerLogin),
          ' wins and pays ',
          h('strong', { 'data-price': text(out.price) }, text(out.price)),
        )
      : h(
          'p',
          { class: 'headline' },
          'No winner: no valid bid',
          out.reserve != null ? ' at or above the reserve' : '',
        ),
    h(
      'p',
      {},
      second
        ? 'A second-price auction: the highest bid wins, and pays the second-highest bid (or the reserve, if only one bid met it), so bidding what it is truly worth to you is the best strategy.'
        : 'A first-price auction: the highest bid wins, and pays what it bid.',
      ' Ties go to the earliest bid.',
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Reserve'),
      h('dd', {}, out.reserve == null ? 'none' : text(out.reserve)),
      h('dt', {}, 'Valid bids'),
      h('dd', {}, text(out.valid_bids)),
      ...('below_reserve' in out
        ? [h('dt', {}, 'Below the reserve'), h('dd', {}, text(out.below_reserve))]
        : []),
      h('dt', {}, 'Invalid bids'),
      h('dd', {}, text(out.invalid_bids)),
    ),
    bids
      ? table(
          'The bids, revealed after the close',
          ['Bidder', 'Bid'],
          [...bids]
            .sort(byAmount)
            .map((b) => [
              text(b.author_login),
              `${isAmount(b.amount) ? String(b.amount) : `not a number: ${text(b.message)}`}${text(b.author_login) === winnerLogin ? ' (winner)' : ''}`,
            ]),
          'bids',
        )
      : h(
          'p',
          {},
          p.reveal_bids === true ? '' : 'The bids stay sealed: this box does not reveal them.',
        ),
  );
}

/** Highest first; bids that are not amounts last. */
const byAmount = (a: Json, b: Json) =>
  isAmount(a.amount) && isAmount(b.amount)
    ? compareAmounts(b.amount, a.amount)
    : Number(isAmount(b.amount)) - Number(isAmount(a.amount));

function tally(out: Json): HTMLElement | null {
  if (!isObject(out.counts) || !Object.values(out.counts).every(isNumber)) return null;
  const counts = Object.entries(out.counts as Record<string, number>);
  const total = counts.reduce((a, [, n]) => a + n, 0);
  const most = counts.reduce((m, [, n]) => Math.max(m, n), 1);
  const rows = counts.map(([choice, n]) => {
    const bar = h('span', { class: 'bar', 'aria-hidden': 'true' });
    // Set through the CSSOM, which the page's Content-Security-Policy allows (a style attribute it would not).
    bar.style.inlineSize = `${(100 * n) / most}%`;
    const share = total ? `${Math.round((1000 * n) / total) / 10}%` : '0%';
    return h(
      'tr',
      { 'data-choice': choice, 'data-count': String(n) },
      h('th', { scope: 'row' }, choice),
      h('td', { class: 'bar-cell' }, bar),
      h('td', { class: 'num' }, `${n} (${share})`),
    );
  });
  return h(
    'div',
    { class: 'computation tally', 'data-computation': 'tally' },
    h(
      'table',
      { class: 'data chart' },
      h('caption', {}, `Votes per choice (${total} counted)`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Choice'),
          h('th', { scope: 'col' }, 'Share'),
          h('th', { scope: 'col' }, 'Votes'),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
    h(
      'p',
      {},
      `Ballots: ${text(out.ballots)}; not one of the choices: ${text(out.invalid)}. Who voted for what is never published.`,
    ),
  );
}

const STATS: [string, string][] = [
  ['count', 'Numbers counted'],
  ['invalid', 'Not a number'],
  ['sum', 'Sum'],
  ['mean', 'Mean'],
  ['median', 'Median'],
  ['min', 'Smallest'],
  ['max', 'Largest'],
];

function stats(out: Json): HTMLElement | null {
  if (!isNumber(out.count)) return null;
  const rows = STATS.filter(([k]) => k in out).map(([k, label]) => [label, text(out[k])]);
  return h(
    'div',
    { class: 'computation stats', 'data-computation': 'stats' },
    table(
      'Statistics over the accepted submissions (the numbers themselves stay sealed)',
      ['Statistic', 'Value'],
      rows,
      'stats',
    ),
  );
}

function reveal(out: Json): HTMLElement | null {
  if (!Array.isArray(out.submissions) || !out.submissions.every(isObject)) return null;
  return h(
    'div',
    { class: 'computation reveal', 'data-computation': 'reveal' },
    table(
      'Every accepted message, revealed after the close',
      ['Author', 'Message'],
      (out.submissions as Json[]).map((s) => [text(s.author_login), text(s.message)]),
      'messages',
    ),
  );
}

function ceremony(out: Json): HTMLElement | null {
  const key = out.public_key;
  if (
    !isNumber(out.threshold) ||
    !Array.isArray(out.recipients) ||
    !out.recipients.every(isObject) ||
    !isObject(key) ||
    typeof key.pem !== 'string' ||
    !Array.isArray(out.commitments)
  )
    return null;
  const recipients = out.recipients as Json[];
  return h(
    'div',
    { class: 'computation ceremony', 'data-computation': 'ceremony' },
    h(
      'p',
      { class: 'headline' },
      'A P-256 key made in the box: any ',
      h('strong', { 'data-threshold': String(out.threshold) }, String(out.threshold)),
      ` of its ${recipients.length} shares recombine it.`,
    ),
    h(
      'p',
      {},
      'Each recipient got one share, privately, sealed to their own reply key; nobody else, the operator included, ever held the key. The commitments below let each holder check their share against this public key.',
    ),
    h('pre', { class: 'json', tabindex: '0', 'data-public-key': '' }, key.pem),
    table(
      'Who holds a share',
      ['Share', 'Recipient', 'Comment'],
      recipients.map((r) => [text(r.index), text(r.author_login), text(r.comment_id)]),
      'recipients',
    ),
    Array.isArray(out.missing) && out.missing.length
      ? h(
          'p',
          {},
          `Listed without a share (no submission with a reply key): ${out.missing.map(text).join(', ')}.`,
        )
      : null,
    h(
      'details',
      { class: 'raw' },
      h('summary', {}, `Commitments (${out.commitments.length})`),
      h(
        'pre',
        { class: 'json', tabindex: '0' },
        (out.commitments as unknown[]).map(text).join('\n'),
      ),
    ),
  );
}

const RENDERERS: Record<string, (out: Json, p: Record<string, unknown>) => HTMLElement | null> = {
  auction,
  tally,
  stats,
  reveal,
  ceremony,
};

/** The computation's output as a person reads it; JSON when the page does not know its shape. */
export function outputView(c: ComputationLike | undefined, output: unknown): HTMLElement {
  const name = c?.name ?? 'unknown';
  if (isObject(output) && output.withheld === true)
    return h(
      'p',
      { class: 'withheld', 'data-computation': 'withheld' },
      `Output withheld: ${text(output.reason)}.`,
    );
  const render = RENDERERS[name];
  const drawn = render && isObject(output) ? render(output, c?.parameters ?? {}) : null;
  if (drawn) return drawn;
  return h(
    'div',
    { class: 'computation', 'data-computation': 'json' },
    h(
      'p',
      {},
      render
        ? `The ${name} output, as JSON (its shape is not the one this page draws):`
        : `The ${name} computation’s output, as JSON:`,
    ),
    h('pre', { class: 'json', tabindex: '0' }, JSON.stringify(output ?? null, null, 2)),
  );
}

// ------------------------------------------------------------ transcript

interface Row {
  time: string;
  author: string;
  status: string;
  reason: string;
  comment: string;
}

const COLUMNS: [keyof Row, string][] = [
  ['time', 'Posted'],
  ['author', 'Author'],
  ['status', 'Status'],
  ['reason', 'Reason'],
  ['comment', 'Comment'],
];

function rowsOf(submissions: unknown): Row[] {
  if (!Array.isArray(submissions)) return [];
  return submissions.filter(isObject).map((s) => ({
    time: text(s.created_at),
    author: text(s.author_login),
    status: text(s.status),
    reason: s.reason === undefined ? '' : text(s.reason),
    comment: text(s.comment_id),
  }));
}

/** How many submissions had each status and reason, in order of first appearance. */
export function countsByReason(rows: Row[]): { label: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const label = r.reason ? `${r.status}: ${r.reason}` : r.status;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, count]) => ({ label, count }));
}

function transcript(submissions: unknown): HTMLElement {
  const rows = rowsOf(submissions);
  const body = h('tbody', {});
  let sortedBy: keyof Row = 'time';
  let ascending = true;
  const buttons = new Map<keyof Row, HTMLElement>();
  const cells = new Map<keyof Row, HTMLElement>();
  const draw = () => {
    const sorted = [...rows].sort((a, b) => {
      const x = a[sortedBy];
      const y = b[sortedBy];
      const n = sortedBy === 'comment' ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
      return ascending ? n : -n;
    });
    body.replaceChildren(
      ...sorted.map((r) =>
        h(
          'tr',
          { 'data-status': r.status, 'data-reason': r.reason },
          ...COLUMNS.map(([k]) => h('td', { 'data-column': k }, r[k])),
        ),
      ),
    );
    for (const [k, th] of cells)
      th.setAttribute(
        'aria-sort',
        k === sortedBy ? (ascending ? 'ascending' : 'descending') : 'none',
      );
    for (const [k, b] of buttons)
      b.dataset.sorted = k === sortedBy ? (ascending ? 'asc' : 'desc') : '';
  };
  const head = h(
    'tr',
    {},
    ...COLUMNS.map(([k, label]) => {
      const button = h('button', { type: 'button', class: 'sort', 'data-sort': k }, label);
      button.addEventListener('click', () => {
        ascending = sortedBy === k ? !ascending : true;
        sortedBy = k;
        draw();
      });
      buttons.set(k, button);
      const th = h('th', { scope: 'col' }, button);
      cells.set(k, th);
      return th;
    }),
  );
  draw();
  const summary = countsByReason(rows);
  return h(
    'section',
    { class: 'transcript' },
    h('h3', {}, 'Transcript'),
    h(
      'p',
      {},
      'Every comment that carried a submission, and what the box did with it. Sort by any column.',
    ),
    h(
      'ul',
      { class: 'reason-counts', 'aria-label': 'Submissions by status and reason' },
      ...summary.map((s) =>
        h('li', { 'data-reason-count': s.label }, h('strong', {}, String(s.count)), ` ${s.label}`),
      ),
    ),
    rows.length
      ? scrolling(
          'Transcript',
          h(
            'table',
            { class: 'data transcript-table' },
            h('caption', {}, `${rows.length} submissions`),
            h('thead', {}, head),
            body,
          ),
        )
      : h('p', {}, 'No submission was posted.'),
  );
}

// ------------------------------------------------------------ the result

export function resultView(
  result: ResultLike,
  computation: ComputationLike | undefined,
  run: string | undefined,
): HTMLElement {
  const counts = isObject(result.counts) ? result.counts : {};
  return h(
    'section',
    { class: 'result', 'data-status': text(result.status) },
    h('h3', {}, `Result: ${computation?.name ?? 'computation'}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Status'),
      h(
        'dd',
        {},
        text(result.status),
        result.reason === undefined ? '' : ` (${text(result.reason)})`,
      ),
      h('dt', {}, 'Closed'),
      h('dd', {}, text(result.closed_at)),
      h('dt', {}, 'Submissions'),
      h(
        'dd',
        {},
        `${text(counts.armoured)} posted, ${text(counts.accepted)} accepted, ${text(counts.rejected)} rejected`,
      ),
      h('dt', {}, 'Run'),
      h('dd', {}, run ?? '-'),
    ),
    outputView(computation, result.output),
    rawJson(result, 'Raw result (result.json)'),
    transcript(result.submissions),
  );
}
