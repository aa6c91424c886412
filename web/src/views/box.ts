// Verify a box: from its issue or run (read through the GitHub API), or from
// its four files. The same checks and verdict codes as `sealbox box verify`.
// With your reply key, the box's private reply to you is opened here, in
// memory, once the box verified (as `sealbox box reply`).
import {
  BOX_FILE_NAMES,
  claimFacts,
  openReplyIn,
  verifyBoxAt,
  verifyBoxFiles,
  type BoxReport,
  type PageReply,
  type Receipt,
} from '../../../src/browser/index.ts';
import { checkTable, logEntries, notes, verdict } from '../checks.ts';
import { resultView } from '../result.ts';
import { FIELD } from '../terms.ts';
import { checkForm, fileField, h, readFiles, readText, screen, usage } from '../dom.ts';
import { publicLog, settings } from '../settings.ts';
import { addressField, policyFields } from './policy.ts';

/** What the attesting run's certificate says (as the CLI prints it), once the box verified. */
function ranBy(v: BoxReport['verification']): HTMLElement | null {
  const lines = claimFacts(v.claims);
  if (!v.ok || !lines.length) return null;
  return h(
    'section',
    { class: 'facts' },
    h('h3', {}, 'Who ran it'),
    h('dl', {}, ...lines.flatMap(([k, val]) => [h('dt', {}, k), h('dd', {}, val)])),
  );
}

/** A failed attestation under the embedded root: say where another root comes from. */
function rootHint(v: BoxReport['verification']): HTMLElement | null {
  const attestation = v.checks.find(
    (c) => c.name === 'manifest_bundle' || c.name === 'result_bundle',
  );
  if (!attestation || attestation.ok || !publicLog()) return null;
  return h(
    'p',
    { class: 'hint', role: 'note' },
    'This page trusts Sigstore’s public-good root only. A box attested under another root (a local stack’s, say) verifies only after you choose that root under ',
    h('a', { href: '#settings' }, 'Settings'),
    ': a root you obtained yourself, never one that came with the box.',
  );
}

/** The reply opened with the participant's key: its text, its checks, the document to keep. */
function replyView(r: PageReply): HTMLElement {
  const { reading, document: doc } = r;
  const share = doc?.value.ceremony;
  return h(
    'section',
    {
      class: `reply verdict ${reading.ok ? 'pass' : 'fail'}`,
      'data-reply': reading.ok ? 'opened' : 'failed',
    },
    h(
      'h3',
      {},
      reading.ok
        ? `Your private reply (comment ${doc!.value.comment_id})`
        : 'Your private reply: not read',
    ),
    doc ? h('pre', { class: 'json reply-message', tabindex: '0' }, doc.value.message) : null,
    share
      ? h(
          'p',
          {},
          `Your share of the box’s key: share ${share.index} of ${share.shares}; any ${share.threshold} of them recombine it ('sealbox ceremony combine SHARE...').`,
        )
      : null,
    checkTable(reading.checks),
    doc
      ? h(
          'p',
          {},
          h(
            'a',
            {
              href: URL.createObjectURL(new Blob([doc.text], { type: 'application/json' })),
              download: doc.fileName,
            },
            'Save the reply document',
          ),
          share
            ? " (it holds your share: keep it secret; it is what 'sealbox ceremony combine' takes)."
            : " (it proves what the box told you: 'sealbox box verify BOX --reply-proof FILE' checks it against the box's result).",
        )
      : null,
  );
}

function report(r: BoxReport, ignored: string[], reply?: PageReply): HTMLElement {
  const v = r.verification;
  const title = v.ok ? `box ${v.manifest?.box_id ?? ''} in ${r.where}` : `box in ${r.where}`;
  return h(
    'div',
    {},
    verdict(v.ok, title, v.checks),
    reply ? replyView(reply) : null,
    rootHint(v),
    v.result && v.ok
      ? resultView(v.result, v.manifest?.computation, v.claims?.runInvocationURI)
      : v.result
        ? h('p', { class: 'withheld' }, 'The result is not shown: it did not verify.')
        : null,
    ranBy(v),
    logEntries(
      v.logEntries.map((e) => ({ label: e.file, entry: e.entry })),
      publicLog(),
    ),
    notes([...ignored, ...v.notes]),
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
    `${FIELD.receipt} (optional): check that your submission was counted`,
    'box-receipt',
    { accept: '.json' },
  );
  const replyKey = fileField(
    `${FIELD.replyKey} (optional): open the box’s private reply to you, here, in memory`,
    'box-reply-key',
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
  // Files chosen after a drop replace the dropped ones: the last choice counts.
  files.input.addEventListener('change', () => {
    dropped = undefined;
    drop.textContent = 'Drop the box files here';
  });
  const rows = [
    address.row,
    files.row,
    ...policy.rows,
    receipt.row,
    replyKey.row,
    h(
      'div',
      { class: 'field check' },
      h('label', {}, selfHosted, ` ${FIELD.allowSelfHosted} (the runner owner could read the key)`),
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
    const keyText = await readText(replyKey.input);
    const keyName = replyKey.input.files?.[0]?.name ?? 'reply key';
    // The reply is opened only from a box that verified.
    const withReply = async (r: BoxReport, ignored: string[]) =>
      report(
        r,
        ignored,
        keyText !== undefined && r.verification.ok
          ? await openReplyIn(r, keyText, keyName, parsed)
          : undefined,
      );
    // An address typed wins; without one, the files chosen or dropped.
    if (address.input.value.trim()) {
      policy.suggestFrom(address.input.value);
      return withReply(
        await verifyBoxAt(address.input.value, policy.flags(), settings(), opts),
        [],
      );
    }
    const chosen = dropped ?? [...(files.input.files ?? [])];
    if (!chosen.length) throw usage("give the box's address, or choose or drop its four files");
    return withReply(
      await verifyBoxFiles(await readFiles(chosen), policy.flags(), settings(), opts),
      notRead(chosen.map((f) => f.name)),
    );
  });
  return screen(
    'box',
    'Verify a sealed box',
    h(
      'p',
      {},
      'Checks that the box was run by the workflow you expect, that its manifest was attested before the window opened, that the result comes from the same run, and that the published result follows from the counted submissions.',
    ),
    location.protocol === 'file:' ? packIntro() : null,
    form,
    drop,
    out,
  );
}

/** Opened from a file (an evidence pack): what to do, and what this page trusts. */
function packIntro(): HTMLElement {
  return h(
    'section',
    { class: 'pack-intro', 'aria-labelledby': 'pack-h' },
    h('h3', { id: 'pack-h' }, 'Verifying an evidence pack'),
    h(
      'p',
      {},
      'Choose (or drop) the four box files that came with this page, type whose box it is, and verify. Everything is checked in this page: nothing is sent anywhere.',
    ),
    h(
      'p',
      {},
      'This page trusts Sigstore’s public-good root, which it carries. A trusted root that came with the evidence is never trusted because it is there: if the box was attested under another root, choose one you obtained yourself under ',
      h('a', { href: '#settings' }, 'Settings'),
      '.',
    ),
  );
}

/** Files chosen beside the box's four: not read, and a trusted root among them not trusted. */
function notRead(names: string[]): string[] {
  const extra = names.filter((n) => !(BOX_FILE_NAMES as readonly string[]).includes(n));
  return extra.map((n) =>
    /root/i.test(n)
      ? `${n}: not read. A trusted root that comes with the evidence is not trusted because it is there; choose a root you obtained yourself under Settings`
      : `${n}: not one of the box's four files, not read`,
  );
}
