// Verify a Sigstore bundle for an artifact: `sealbox verify-bundle`, the
// sigstore-conformance client protocol, in the page.
import { verifyBundle } from '../../../src/browser/index.ts';
import { logEntries, verdict } from '../checks.ts';
import { field, h, run } from '../dom.ts';
import { publicLog, settings } from '../settings.ts';

export function bundleView(): HTMLElement {
  const bundle = field(
    'Bundle (.sigstore.json)',
    h('input', { type: 'file', name: 'bundle-file', accept: '.json' }),
  );
  const artifact = field(
    'Artifact (the file the bundle signs)',
    h('input', { type: 'file', name: 'bundle-artifact' }),
  );
  const digest = field(
    'Or its digest',
    h('input', {
      name: 'bundle-digest',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'sha256:…',
    }),
  );
  const identity = field(
    'Certificate identity (exactly)',
    h('input', { name: 'bundle-identity', autocomplete: 'off', spellcheck: 'false' }),
  );
  const issuer = field(
    'Certificate OIDC issuer',
    h('input', { name: 'bundle-issuer', autocomplete: 'off', spellcheck: 'false' }),
  );
  const key = field(
    'Or a public key (PEM) for a key-signed bundle',
    h('input', { type: 'file', name: 'bundle-key', accept: '.pub,.pem' }),
  );
  const button = h('button', { type: 'submit' }, 'Verify the bundle') as HTMLButtonElement;
  const out = h('div', { class: 'out', id: 'bundle-out', 'aria-live': 'polite' });
  const form = h(
    'form',
    {},
    bundle.row,
    artifact.row,
    digest.row,
    h('fieldset', {}, h('legend', {}, 'Who must have signed'), identity.row, issuer.row, key.row),
    button,
  ) as HTMLFormElement;
  const fileOf = (f: { input: HTMLElement }) => (f.input as HTMLInputElement).files?.[0];
  const value = (f: { input: HTMLElement }) => (f.input as HTMLInputElement).value.trim();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run(button, out, async () => {
      const usage = (m: string) => Object.assign(new Error(m), { code: 'USAGE' });
      const b = fileOf(bundle);
      if (!b) throw usage('choose a bundle');
      const a = fileOf(artifact);
      const target = a ? new Uint8Array(await a.arrayBuffer()) : value(digest);
      if (!target) throw usage('choose the artifact, or give its digest');
      const k = fileOf(key);
      const policy = k
        ? { key: await k.text() }
        : { certIdentity: value(identity), certOidcIssuer: value(issuer) };
      if (!k && (!value(identity) || !value(issuer)))
        throw usage('give the certificate identity and issuer, or a public key');
      const r = await verifyBundle(await b.text(), target, policy, {
        trustedRoot: settings().trustedRoot?.text,
        bundleLabel: b.name,
      });
      const first = r.bundles[0];
      return h(
        'div',
        {},
        verdict(r.ok, `bundle ${b.name}`, r.checks),
        logEntries(
          (first?.tlogEntries ?? []).map((entry) => ({ label: b.name, entry })),
          publicLog(),
        ),
      );
    });
  });
  return h(
    'section',
    { 'aria-labelledby': 'bundle-h' },
    h('h2', { id: 'bundle-h' }, 'Verify a Sigstore bundle'),
    form,
    out,
  );
}
