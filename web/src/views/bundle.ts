// Verify a Sigstore bundle for an artifact under the CLI's policy: `sealbox
// verify`'s repository, owner and signer workflow, or an exact certificate
// identity (`verify-bundle`, the sigstore-conformance client), or a public
// key. Shows what the bundle says as the CLI prints it.
import {
  bundleFacts,
  verifyBundleWith,
  type PolicyFlags,
  type VerificationResult,
  type VerifyPolicy,
} from '../../../src/browser/index.ts';
import { logEntries, verdict } from '../checks.ts';
import { checkForm, fileField, h, screen, textField, usage, valueOf } from '../dom.ts';
import { publicLog, settings } from '../settings.ts';
import { FIELD } from '../terms.ts';
import { policyFields } from './policy.ts';

/** The facts of the bundle that decided, as `sealbox verify` prints them. */
function facts(r: VerificationResult): HTMLElement | null {
  const decisive = r.bundles.find((b) => b.ok) ?? r.bundles[0];
  if (!decisive) return null;
  const lines = bundleFacts(decisive).filter(([k]) => k !== 'log entry');
  return h(
    'section',
    { class: 'facts' },
    h('h3', {}, r.ok ? 'What the bundle says' : 'What the bundle claims (not verified)'),
    h(
      'dl',
      { 'data-facts': 'bundle' },
      ...lines.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-fact': k }, v)]),
    ),
  );
}

export function bundleView(): HTMLElement {
  const bundle = fileField('Bundle (.sigstore.json)', 'bundle-file', { accept: '.json' });
  const artifact = fileField('Artifact (the file the bundle signs)', 'bundle-artifact');
  const digest = textField('Or its digest', 'bundle-digest', { placeholder: 'sha256:…' });
  const policy = policyFields('bundle', { bundle: true });
  const identity = textField(`${FIELD.certIdentity} (exactly, optional)`, 'bundle-identity', {
    hint: 'Instead of the signer workflow: the certificate’s identity (SAN), exactly.',
  });
  const identityRegex = textField(
    `${FIELD.certIdentityRegex} (optional)`,
    'bundle-identity-regex',
    { hint: 'Or a regular expression the certificate’s identity must match.' },
  );
  const issuer = textField(`${FIELD.issuer} (optional)`, 'bundle-issuer', {
    hint: 'Default: GitHub Actions (https://token.actions.githubusercontent.com).',
  });
  const predicateType = textField(`${FIELD.predicateType} (optional)`, 'bundle-predicate-type', {
    hint: 'The in-toto statement’s predicate type must be this.',
  });
  const key = fileField(`${FIELD.key} (PEM), for a key-signed bundle`, 'bundle-key', {
    accept: '.pub,.pem',
  });
  const ignoreTlog = h('input', {
    type: 'checkbox',
    name: 'bundle-ignore-tlog',
  }) as HTMLInputElement;
  const rows = [
    bundle.row,
    artifact.row,
    digest.row,
    h(
      'fieldset',
      {},
      h('legend', {}, 'Who must have signed'),
      ...policy.rows,
      identity.row,
      identityRegex.row,
      issuer.row,
      predicateType.row,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Or: signed with a key'),
      key.row,
      h(
        'div',
        { class: 'field check' },
        h(
          'label',
          {},
          ignoreTlog,
          ` ${FIELD.ignoreTlog} (with a public key only; the signature’s time is then unproven)`,
        ),
      ),
    ),
  ];
  const { form, out } = checkForm('bundle-out', 'Verify the bundle', rows, async () => {
    const b = bundle.input.files?.[0];
    if (!b) throw usage('choose a bundle');
    const a = artifact.input.files?.[0];
    const target = a ? new Uint8Array(await a.arrayBuffer()) : valueOf(digest);
    if (!target) throw usage('choose the artifact, or give its digest');
    const k = key.input.files?.[0];
    const flags: PolicyFlags = {
      ...policy.flags(),
      certIdentity: valueOf(identity) || undefined,
      certIdentityRegex: valueOf(identityRegex) || undefined,
      certOidcIssuer: valueOf(issuer) || undefined,
    };
    const named = Object.entries(flags).filter(([, v]) => v !== undefined);
    if (k && named.length)
      throw usage(
        `${FIELD.key} cannot be combined with ${named.length} identity field${named.length > 1 ? 's' : ''}: a key-signed bundle has no certificate identity`,
      );
    if (!k && ignoreTlog.checked) throw usage(`${FIELD.ignoreTlog} applies only with a public key`);
    const trust: VerifyPolicy = k ? { key: await k.text(), ignoreTlog: ignoreTlog.checked } : flags;
    const r = await verifyBundleWith(settings(), await b.text(), target, trust, b.name, {
      predicateType: valueOf(predicateType) || undefined,
    });
    return h(
      'div',
      {},
      verdict(r.ok, `bundle ${b.name}`, r.checks),
      facts(r),
      logEntries(
        (r.bundles[0]?.tlogEntries ?? []).map((entry) => ({ label: b.name, entry })),
        publicLog(),
      ),
    );
  });
  return screen(
    'bundle',
    'Verify a Sigstore bundle',
    h(
      'p',
      {},
      'The checks of `sealbox verify`: the signature against the trusted root, the artifact, then who signed. Give whose artifact it is (a repository or owner), and the signer workflow if it is not one of theirs.',
    ),
    form,
    out,
  );
}
