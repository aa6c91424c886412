// The page's shell: the views, the developer-mode banner on every screen, and
// a footer that says where requests go.
import '../../src/browser/globals.ts';
import './style.css';
import { EMBEDDED_ROOT_DATE, embeddedRootWarning } from '../../src/browser/index.ts';
import { h } from './dom.ts';
import { developerMode, onSettings, settings } from './settings.ts';
import { boxView } from './views/box.ts';
import { bundleView } from './views/bundle.ts';
import { envelopeView } from './views/envelope.ts';
import { settingsView } from './views/settings.ts';
import { submitView } from './views/submit.ts';

const VIEWS: Record<string, () => HTMLElement> = {
  box: boxView,
  submit: submitView,
  envelope: envelopeView,
  bundle: bundleView,
  settings: settingsView,
};
// Each view is built once and kept, so that moving between them loses nothing typed.
const built = new Map<string, HTMLElement>();

function show(): void {
  const name = location.hash.slice(1) in VIEWS ? location.hash.slice(1) : 'box';
  let view = built.get(name);
  if (!view) built.set(name, (view = VIEWS[name]!()));
  document.getElementById('view')!.replaceChildren(view);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    if (a.dataset.view === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function banner(): void {
  const s = settings();
  const el = document.getElementById('developer-banner')!;
  el.hidden = !developerMode();
  el.replaceChildren(
    h('strong', {}, 'Developer mode. '),
    `GitHub API: ${s.apiUrl}. Trusted root: ${s.trustedRoot ? s.trustedRoot.label : `embedded public-good root (${EMBEDDED_ROOT_DATE})`}. `,
    'Verdicts here are only as good as these choices. ',
    h('a', { href: '#settings' }, 'Change'),
  );
  const stale = s.trustedRoot ? undefined : embeddedRootWarning(new Date());
  document
    .getElementById('footer')!
    .replaceChildren(
      stale ? h('p', { class: 'warning', role: 'note' }, `Warning: ${stale}.`) : '',
      h(
        'p',
        {},
        `Everything is checked in this page. The only requests it makes go to ${s.apiUrl} (public data, no token unless you paste one to post). `,
        `Trusted root: ${s.trustedRoot ? s.trustedRoot.label : `Sigstore public-good, snapshot of ${EMBEDDED_ROOT_DATE}`}.`,
      ),
    );
}

onSettings(banner);
addEventListener('hashchange', show);
banner();
show();
