// Verdicts as the CLI prints them: one line of outcome, then every check,
// passed or failed, with its code and reason (never colour alone). Checks,
// codes and reasons are shown as the verification lists them, so a check or
// code the core adds shows without a change here; reasons and notes name the
// page's fields where the core's text names the CLI's flags.
import { h } from './dom.ts';
import { inPageTerms } from './terms.ts';

export interface CheckLike {
  name: string;
  ok: boolean;
  code?: string;
  reason: string;
}

export function verdict(ok: boolean, title: string, checks: CheckLike[]): HTMLElement {
  const failed = checks.find((c) => !c.ok);
  return h(
    'section',
    { class: `verdict ${ok ? 'pass' : 'fail'}`, 'data-verdict': ok ? 'pass' : 'fail' },
    h(
      'h2',
      {},
      h('span', { class: 'badge' }, ok ? 'VERIFIED' : 'FAILED'),
      ' ',
      ok ? title : `${title}: ${failed ? `${failed.name} failed` : 'failed'}`,
    ),
    failed ? h('p', { class: 'reason' }, inPageTerms(failed.reason)) : null,
    checkTable(checks),
  );
}

export function checkTable(checks: CheckLike[]): HTMLElement {
  return h(
    'table',
    { class: 'checks' },
    h('caption', {}, 'What was checked'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Check'),
        h('th', { scope: 'col' }, 'Outcome'),
        h('th', { scope: 'col' }, 'Reason'),
      ),
    ),
    h(
      'tbody',
      {},
      ...checks.map((c) =>
        h(
          'tr',
          { class: c.ok ? 'ok' : 'bad', 'data-check': c.name, 'data-ok': String(c.ok) },
          h('th', { scope: 'row' }, c.name),
          h('td', {}, c.ok ? '✔ pass' : `✘ fail (${c.code ?? 'FAILED'})`),
          h('td', {}, inPageTerms(c.reason)),
        ),
      ),
    ),
  );
}

export interface LogEntryLike {
  logIndex: string;
  logId: string;
  kind: string;
  integratedTime?: string;
}

/** Transparency log entries, linked to Sigstore's search for the public-good log. */
export function logEntries(
  entries: { label: string; entry: LogEntryLike }[],
  publicLog: boolean,
): HTMLElement | null {
  if (!entries.length) return null;
  return h(
    'section',
    { class: 'log-entries' },
    h('h3', {}, 'Transparency log entries'),
    h('p', {}, 'As the bundles give them; they count only where the checks above passed.'),
    h(
      'ul',
      {},
      ...entries.map(({ label, entry }) =>
        h(
          'li',
          {},
          `${label}: `,
          publicLog
            ? h(
                'a',
                {
                  href: `https://search.sigstore.dev/?logIndex=${encodeURIComponent(entry.logIndex)}`,
                  rel: 'noopener noreferrer',
                  target: '_blank',
                },
                `log index ${entry.logIndex}`,
              )
            : `log index ${entry.logIndex} (the log of the trusted root you chose)`,
          ` · ${entry.kind}`,
          entry.integratedTime ? ` · logged ${entry.integratedTime}` : '',
        ),
      ),
    ),
  );
}

export function notes(list: string[]): HTMLElement | null {
  return list.length
    ? h(
        'section',
        { class: 'notes' },
        h('h3', {}, 'Notes'),
        h('ul', {}, ...list.map((n) => h('li', {}, inPageTerms(n)))),
      )
    : null;
}
