// Verify a box: from its issue or run (read through the GitHub API), or from
// its four files. The same checks and verdict codes as `sealbox box verify`.
import {
  verifyBoxAt,
  verifyBoxFiles,
  type BoxReport,
  type Receipt,
} from '../../../src/browser/index.ts';
import { logEntries, notes, verdict } from '../checks.ts';
import { checkForm, fileField, h, readFiles, readText, screen, usage } from '../dom.ts';
import { publicLog, settings } from '../settings.ts';
import { addressField, policyFields } from './policy.ts';

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
  const address = addressField('box-address', policy);
  const files = fileField(
    'Or its four files (manifest.json, manifest.sigstore.json, result.json, result.sigstore.json)',
    'box-files',
    { accept: '.json', multiple: true },
  );
  const receipt = fileField(
    'Your receipt (optional): check that your submission was counted',
    'box-receipt',
    { accept: '.json' },
  );
  const selfHosted = h('input', { type: 'checkbox', name: 'box-self-hosted' }) as HTMLInputElement;
  const drop = h('div', { class: 'drop', 'aria-hidden': 'true' }, 'Drop the box files here');
  let dropped: File[] | undefined;
  drop.addEventListener('dragover', (e) => e.preventDefault());
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    dropped = [...((e as DragEvent).dataTransfer?.files ?? [])];
    drop.textContent = `Dropped: ${dropped.map((f) => f.name).join(', ')}`;
  });
  const rows = [
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
  ];
  const { form, out } = checkForm('box-out', 'Verify the box', rows, async () => {
    const receiptText = await readText(receipt.input);
    let parsed: Receipt | undefined;
    try {
      parsed = receiptText ? (JSON.parse(receiptText) as Receipt) : undefined;
    } catch {
      throw Object.assign(new Error(`receipt ${receipt.input.files?.[0]?.name}: is not JSON`), {
        code: 'INPUT_INVALID',
      });
    }
    const opts = { allowSelfHostedRunners: selfHosted.checked, receipt: parsed };
    // An address typed wins; without one, the files chosen or dropped.
    if (address.input.value.trim()) {
      policy.suggestFrom(address.input.value);
      return report(await verifyBoxAt(address.input.value, policy.flags(), settings(), opts));
    }
    const chosen = dropped ?? [...(files.input.files ?? [])];
    if (!chosen.length) throw usage("give the box's address, or choose or drop its four files");
    return report(await verifyBoxFiles(await readFiles(chosen), policy.flags(), settings(), opts));
  });
  return screen(
    'box',
    'Verify a sealed box',
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
