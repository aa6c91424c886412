// Verify a box: from its issue or run (read through the GitHub API), or from
// its four files. The same checks and verdict codes as `sealbox box verify`.
import {
  verifyBoxAt,
  verifyBoxFiles,
  type BoxReport,
  type Receipt,
} from '../../../src/browser/index.ts';
import { logEntries, notes, verdict } from '../checks.ts';
import { field, h, readFiles, readText, run } from '../dom.ts';
import { publicLog, settings } from '../settings.ts';
import { policyFields } from './policy.ts';

function report(r: BoxReport): HTMLElement {
  const v = r.verification;
  const title = v.ok ? `box ${v.manifest?.box_id ?? ''} in ${r.where}` : `box in ${r.where}`;
  return h(
    'div',
    {},
    verdict(v.ok, title, v.checks),
    v.result && v.ok
      ? h(
          'section',
          { class: 'facts' },
          h('h3', {}, 'Result'),
          h(
            'dl',
            {},
            h('dt', {}, 'Status'),
            h('dd', {}, v.result.status),
            h('dt', {}, 'Counts'),
            h('dd', {}, JSON.stringify(v.result.counts)),
            h('dt', {}, 'Output'),
            h('dd', {}, h('pre', {}, JSON.stringify(v.result.output ?? null, null, 2))),
            h('dt', {}, 'Run'),
            h('dd', {}, v.claims?.runInvocationURI ?? '-'),
          ),
        )
      : v.result
        ? h('p', { class: 'withheld' }, 'The result is not shown: it did not verify.')
        : null,
    logEntries(
      v.logEntries.map((e) => ({ label: e.file, entry: e.entry })),
      publicLog(),
    ),
    notes(v.notes),
  );
}

export function boxView(): HTMLElement {
  const policy = policyFields('box');
  const address = field(
    'Box: OWNER/REPO#ISSUE, or its issue or run URL',
    h('input', {
      name: 'box-address',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'octo-org/auction#12',
    }),
  );
  const addressInput = address.input as HTMLInputElement;
  addressInput.addEventListener('change', () => policy.suggestFrom(addressInput.value));
  const files = field(
    'Or its four files (manifest.json, manifest.sigstore.json, result.json, result.sigstore.json)',
    h('input', { type: 'file', name: 'box-files', multiple: true, accept: '.json' }),
  );
  const receipt = field(
    'Your receipt (optional): check that your submission was counted',
    h('input', { type: 'file', name: 'box-receipt', accept: '.json' }),
  );
  const selfHosted = h('input', { type: 'checkbox', name: 'box-self-hosted' }) as HTMLInputElement;
  const out = h('div', { class: 'out', id: 'box-out', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Verify the box') as HTMLButtonElement;
  const form = h(
    'form',
    {},
    address.row,
    files.row,
    ...policy.rows,
    receipt.row,
    h(
      'div',
      { class: 'field check' },
      h(
        'label',
        {},
        selfHosted,
        ' Accept a self-hosted runner (the runner owner could read the key)',
      ),
    ),
    button,
  ) as HTMLFormElement;
  const drop = h('div', { class: 'drop', 'aria-hidden': 'true' }, 'Drop the box files here');
  let dropped: File[] | undefined;
  drop.addEventListener('dragover', (e) => e.preventDefault());
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    dropped = [...((e as DragEvent).dataTransfer?.files ?? [])];
    drop.textContent = `Dropped: ${dropped.map((f) => f.name).join(', ')}`;
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run(button, out, async () => {
      const receiptText = await readText(receipt.input as HTMLInputElement);
      const opts = {
        allowSelfHostedRunners: selfHosted.checked,
        receipt: receiptText ? (JSON.parse(receiptText) as Receipt) : undefined,
      };
      const input = files.input as HTMLInputElement;
      const chosen = dropped ?? (input.files?.length ? [...input.files] : undefined);
      if (chosen)
        return report(
          await verifyBoxFiles(await readFiles(chosen), policy.flags(), settings(), opts),
        );
      policy.suggestFrom(addressInput.value);
      return report(await verifyBoxAt(addressInput.value, policy.flags(), settings(), opts));
    });
  });
  return h(
    'section',
    { 'aria-labelledby': 'box-h' },
    h('h2', { id: 'box-h' }, 'Verify a sealed box'),
    h(
      'p',
      {},
      'Checks that the box was run by the workflow you expect, that its manifest was attested before the window opened, that the result comes from the same run, and that the published result follows from the counted submissions.',
    ),
    form,
    drop,
    out,
  );
}
