// Verify a signed result envelope (sealbox or InferenceBench format) under
// trust anchors, an identity policy or a built-in trust policy: the checks of
// `sealbox envelope verify`.
import {
  BUILTIN_POLICIES,
  verifyEnvelopeText,
  type EnvelopeVerification,
} from '../../../src/browser/index.ts';
import { logEntries, verdict } from '../checks.ts';
import { field, h, readFiles, run } from '../dom.ts';
import { publicLog, settings } from '../settings.ts';

function report(v: EnvelopeVerification): HTMLElement {
  const facts: [string, string][] = [
    ['Format', v.format],
    ['Method', v.method],
    ['Content hash', v.content_hash],
    ['Suite / model / engine', `${v.suite} / ${v.model} / ${v.engine}`],
    ['Signer', v.signer_identity],
    ['Issuer', v.signer_issuer],
  ];
  return h(
    'div',
    {},
    verdict(v.ok, `envelope ${v.label}`, v.checks),
    h(
      'dl',
      { class: 'facts', 'data-content-hash': v.content_hash },
      ...facts.flatMap(([k, val]) => [h('dt', {}, k), h('dd', {}, val)]),
    ),
    v.rekor_log_index !== '-'
      ? logEntries(
          [
            {
              label: 'signature',
              entry: { logIndex: v.rekor_log_index, logId: '', kind: 'Rekor entry' },
            },
          ],
          publicLog(),
        )
      : null,
  );
}

export function envelopeView(): HTMLElement {
  const file = field(
    'Envelope (JSON file)',
    h('input', { type: 'file', name: 'envelope-file', accept: '.json' }),
  );
  const paste = field(
    'Or paste it',
    h('textarea', { name: 'envelope-text', rows: '6', spellcheck: 'false' }),
  );
  const anchors = field(
    'Trust anchors: public keys of dev-key envelopes (.pub / .pem)',
    h('input', { type: 'file', name: 'envelope-anchors', multiple: true, accept: '.pub,.pem' }),
  );
  const pattern = field(
    'Or an identity pattern (a regular expression the signer must match)',
    h('input', { name: 'envelope-identity', autocomplete: 'off', spellcheck: 'false' }),
  );
  const issuer = field(
    'Issuer of that identity',
    h('input', { name: 'envelope-issuer', autocomplete: 'off', spellcheck: 'false' }),
    'Default: GitHub Actions (https://token.actions.githubusercontent.com).',
  );
  const repo = field(
    'Or the repository whose workflow signed it (OWNER/REPO)',
    h('input', { name: 'envelope-repo', autocomplete: 'off', spellcheck: 'false' }),
  );
  const select = h(
    'select',
    { name: 'envelope-policy' },
    h('option', { value: '' }, '(none)'),
    ...Object.entries(BUILTIN_POLICIES).map(([name, p]) =>
      h('option', { value: name }, `${name}: ${p.description}`),
    ),
  );
  const policy = field('Or a built-in trust policy', select);
  const button = h('button', { type: 'submit' }, 'Verify the envelope') as HTMLButtonElement;
  const out = h('div', { class: 'out', id: 'envelope-out', 'aria-live': 'polite' });
  const value = (f: { input: HTMLElement }) =>
    (f.input as HTMLInputElement | HTMLSelectElement).value.trim();
  const form = h(
    'form',
    {},
    file.row,
    paste.row,
    h(
      'fieldset',
      {},
      h('legend', {}, 'Whom you trust (one of these)'),
      anchors.row,
      pattern.row,
      issuer.row,
      repo.row,
      policy.row,
    ),
    button,
  ) as HTMLFormElement;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run(button, out, async () => {
      const chosen = (file.input as HTMLInputElement).files?.[0];
      const text = chosen ? await chosen.text() : value(paste);
      if (!text) throw Object.assign(new Error('choose or paste an envelope'), { code: 'USAGE' });
      const keys = await readFiles(anchors.input as HTMLInputElement);
      return report(
        await verifyEnvelopeText(
          text,
          chosen?.name ?? 'pasted envelope',
          {
            devKeys: keys.map((k) => ({ label: k.name, pem: new TextDecoder().decode(k.bytes) })),
            identityPattern: value(pattern) || undefined,
            issuer: value(issuer) || undefined,
            flags: value(repo) ? { repo: value(repo) } : undefined,
            policy: value(policy) || undefined,
          },
          settings(),
        ),
      );
    });
  });
  return h(
    'section',
    { 'aria-labelledby': 'envelope-h' },
    h('h2', { id: 'envelope-h' }, 'Verify a signed result envelope'),
    form,
    out,
  );
}
