// Developer mode: the one place where the GitHub API address and the trusted
// root change (for a local stack, say). Never from the URL or the evidence;
// while on, a banner says so on every screen.
import {
  DEFAULT_SETTINGS,
  EMBEDDED_ROOT_DATE,
  PUBLIC_API,
  releaseSources,
  trustedRoots,
} from '../../../src/browser/index.ts';
import { errorBox, fileField, h, screen, textField, usage } from '../dom.ts';
import { developerMode, setSettings } from '../settings.ts';
import { FIELD } from '../terms.ts';

/** Only the developer build may talk to another API: the others' Content-Security-Policy allows api.github.com alone. */
const OTHER_API_ALLOWED = __SEALBOX_PAGE_BUILD__ === 'developer';

export function settingsView(): HTMLElement {
  const api = textField('GitHub API address', 'settings-api', {
    value: PUBLIC_API,
    hint: OTHER_API_ALLOWED
      ? 'The developer build of this page may also reach a local stack on this machine (http://127.0.0.1:PORT/...).'
      : 'This build of the page connects to https://api.github.com only (its Content-Security-Policy). A local stack needs the developer build.',
  });
  if (!OTHER_API_ALLOWED) api.input.readOnly = true;
  const root = fileField(
    `${FIELD.trustedRoot} (trusted_root.json, or JSON Lines of several)`,
    'settings-root',
    {
      accept: '.json,.jsonl',
      hint: `Without one: Sigstore's public-good root embedded in this page (snapshot of ${EMBEDDED_ROOT_DATE}).`,
    },
  );
  const releases = fileField(`${FIELD.releases} (releases.json)`, 'settings-releases', {
    accept: '.json',
    hint: "A local stack keeps its own sealbox releases in releases.json beside its trusted_root.json. It counts only for certificates of that root's own CA, never for public-good ones.",
  });
  const allowUnreleased = h('input', {
    type: 'checkbox',
    name: 'settings-allow-unreleased',
  }) as HTMLInputElement;
  const out = h('div', { class: 'out', 'aria-live': 'polite' });
  const apply = h('button', { type: 'submit' }, 'Turn developer mode on') as HTMLButtonElement;
  const reset = h('button', { type: 'button' }, 'Back to the public defaults') as HTMLButtonElement;
  const state = () =>
    h(
      'p',
      { 'data-mode': developerMode() ? 'developer' : 'public' },
      developerMode()
        ? 'Developer mode is on.'
        : 'Public defaults: api.github.com and the embedded root.',
    );
  const form = h(
    'form',
    {},
    h(
      'fieldset',
      {},
      h('legend', {}, 'Developer mode'),
      h(
        'p',
        {},
        'For evidence attested under another Sigstore root (a local stack’s, a private instance’s), or for testing against a local stack. A different API, root or release list changes whom every verdict trusts: use only files you obtained yourself, never ones that came with the evidence.',
      ),
      api.row,
      root.row,
      releases.row,
      h(
        'div',
        { class: 'field check' },
        h(
          'label',
          {},
          allowUnreleased,
          ` ${FIELD.allowUnreleased} (development only: a box workflow that is not a sealbox release may leak the key or attest anything)`,
        ),
      ),
    ),
    apply,
    reset,
  ) as HTMLFormElement;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      try {
        const apiUrl = api.input.value.trim().replace(/\/+$/, '');
        let url: URL;
        try {
          url = new URL(apiUrl);
        } catch {
          throw usage(`${apiUrl || '(empty)'}: not a URL`);
        }
        if (!OTHER_API_ALLOWED && apiUrl !== PUBLIC_API)
          throw usage(`${apiUrl}: this build of the page connects to ${PUBLIC_API} only`);
        if (
          url.protocol !== 'https:' &&
          !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
        )
          throw usage(`${apiUrl}: plain http only to this machine`);
        const f = root.input.files?.[0];
        const r = releases.input.files?.[0];
        const next = {
          apiUrl,
          trustedRoot: f
            ? { label: `${f.name} (chosen in developer mode)`, text: await f.text() }
            : undefined,
          releases: r
            ? { label: `${r.name} (chosen in developer mode)`, text: await r.text() }
            : undefined,
          allowUnreleasedBoxWorkflow: allowUnreleased.checked || undefined,
        };
        trustedRoots(next); // a root that does not parse is refused here, with its reason
        await releaseSources(next); // so is a release list
        setSettings(next);
        out.replaceChildren(state());
      } catch (err) {
        out.replaceChildren(errorBox(err));
      }
    })();
  });
  reset.addEventListener('click', () => {
    setSettings(DEFAULT_SETTINGS);
    api.input.value = PUBLIC_API;
    root.input.value = '';
    releases.input.value = '';
    allowUnreleased.checked = false;
    out.replaceChildren(state());
  });
  out.replaceChildren(state());
  return screen('settings', 'Settings', form, out);
}
