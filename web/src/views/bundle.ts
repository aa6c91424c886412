// Verify a Sigstore bundle for an artifact: `sealbox verify-bundle`, the
// sigstore-conformance client protocol, in the page.
import { verifyBundleWith } from '../../../src/browser/index.ts';
import { logEntries, verdict } from '../checks.ts';
import { checkForm, fileField, h, screen, textField, usage, valueOf } from '../dom.ts';
import { publicLog, settings } from '../settings.ts';

export function bundleView(): HTMLElement {
  const bundle = fileField('Bundle (.sigstore.json)', 'bundle-file', { accept: '.json' });
  const artifact = fileField('Artifact (the file the bundle signs)', 'bundle-artifact');
  const digest = textField('Or its digest', 'bundle-digest', { placeholder: 'sha256:…' });
  const identity = textField('Certificate identity (exactly)', 'bundle-identity');
  const issuer = textField('Certificate OIDC issuer', 'bundle-issuer');
  const key = fileField('Or a public key (PEM) for a key-signed bundle', 'bundle-key', {
    accept: '.pub,.pem',
  });
  const rows = [
    bundle.row,
    artifact.row,
    digest.row,
    h('fieldset', {}, h('legend', {}, 'Who must have signed'), identity.row, issuer.row, key.row),
  ];
  const { form, out } = checkForm('bundle-out', 'Verify the bundle', rows, async () => {
    const b = bundle.input.files?.[0];
    if (!b) throw usage('choose a bundle');
    const a = artifact.input.files?.[0];
    const target = a ? new Uint8Array(await a.arrayBuffer()) : valueOf(digest);
    if (!target) throw usage('choose the artifact, or give its digest');
    const k = key.input.files?.[0];
    if (!k && (!valueOf(identity) || !valueOf(issuer)))
      throw usage('give the certificate identity and issuer, or a public key');
    const policy = k
      ? { key: await k.text() }
      : { certIdentity: valueOf(identity), certOidcIssuer: valueOf(issuer) };
    const r = await verifyBundleWith(settings(), await b.text(), target, policy, b.name);
    return h(
      'div',
      {},
      verdict(r.ok, `bundle ${b.name}`, r.checks),
      logEntries(
        (r.bundles[0]?.tlogEntries ?? []).map((entry) => ({ label: b.name, entry })),
        publicLog(),
      ),
    );
  });
  return screen('bundle', 'Verify a Sigstore bundle', form, out);
}
