// Verify a signed result envelope (sealbox or InferenceBench format) under
// trust anchors, an identity policy or a built-in trust policy: the checks of
// `sealbox envelope verify`.
import {
  BUILTIN_POLICIES,
  verifyEnvelopeText,
  type EnvelopeVerification,
} from '../../../src/browser/index.ts';
import { logEntries, verdict } from '../checks.ts';
import {
  checkForm,
  field,
  fileField,
  h,
  readFiles,
  screen,
  textArea,
  textField,
  usage,
  valueOf,
} from '../dom.ts';
import { publicLog, settings } from '../settings.ts';
import { FIELD } from '../terms.ts';

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
  const file = fileField('Envelope (JSON file)', 'envelope-file', { accept: '.json' });
  const paste = textArea('Or paste it', 'envelope-text', 6);
  const anchors = fileField(
    `${FIELD.anchors}: public keys of dev-key envelopes (.pub / .pem)`,
    'envelope-anchors',
    { accept: '.pub,.pem', multiple: true },
  );
  const pattern = textField(
    `${FIELD.identityPattern}: a regular expression the signer must match`,
    'envelope-identity',
  );
  const identity = textField(
    `${FIELD.certIdentity}: the signer exactly, such as a person's email address`,
    'envelope-cert-identity',
  );
  const issuer = textField(FIELD.identityIssuer, 'envelope-issuer', {
    hint: "Default: GitHub Actions (https://token.actions.githubusercontent.com). A person's email address needs the issuer they logged in through, such as https://github.com/login/oauth.",
  });
  const repo = textField(`${FIELD.repo} (OWNER/REPO) whose workflow signed it`, 'envelope-repo');
  const select = h(
    'select',
    { name: 'envelope-policy' },
    h('option', { value: '' }, '(none)'),
    ...Object.entries(BUILTIN_POLICIES).map(([name, p]) =>
      h('option', { value: name }, `${name}: ${p.description}`),
    ),
  ) as HTMLSelectElement;
  const policy = field(FIELD.trustPolicy, select);
  const rows = [
    file.row,
    paste.row,
    h(
      'fieldset',
      {},
      h('legend', {}, 'Whom you trust (one of these)'),
      anchors.row,
      pattern.row,
      identity.row,
      issuer.row,
      repo.row,
      policy.row,
    ),
  ];
  const { form, out } = checkForm('envelope-out', 'Verify the envelope', rows, async () => {
    const chosen = file.input.files?.[0];
    const text = chosen ? await chosen.text() : valueOf(paste);
    if (!text) throw usage('choose or paste an envelope');
    const keys = await readFiles(anchors.input);
    const envelope = await verifyEnvelopeText(
      text,
      chosen?.name ?? 'pasted envelope',
      {
        devKeys: keys.map((k) => ({ label: k.name, pem: new TextDecoder().decode(k.bytes) })),
        identityPattern: valueOf(pattern) || undefined,
        identity: valueOf(identity) || undefined,
        issuer: valueOf(issuer) || undefined,
        flags: valueOf(repo) ? { repo: valueOf(repo) } : undefined,
        policy: valueOf(policy) || undefined,
      },
      settings(),
    );
    return report(envelope);
  });
  return screen('envelope', 'Verify a signed result envelope', form, out);
}
