// Submit to an open box: check its manifest under your policy, seal your
// message in this page (bound to your GitHub user id) with a fresh reply key,
// offered as a file to save before anything is posted (the box's private
// reply opens with it alone, and a reload would lose it), then either copy the
// comment into the box's issue (the default) or let the page post it with a
// token you paste, used for that post only and kept in memory.
import {
  newPageReplyKey,
  openBoxAt,
  sealAndPost,
  sealForAuthor,
  userId,
  type PageReplyKey,
  type SubmissionTarget,
} from '../../../src/browser/index.ts';
import { checkForm, errorBox, field, h, screen, textArea, usage } from '../dom.ts';
import { developerMode, settings } from '../settings.ts';
import { addressField, policyFields } from './policy.ts';

/** The box's issue on github.com; in developer mode the API's server may have no pages, so its address. */
function issueLink(target: SubmissionTarget): Node | string {
  const [repository, n] = target.located.address.split('#');
  if (developerMode()) return target.located.address;
  return h(
    'a',
    {
      href: `https://github.com/${repository}/issues/${n}`,
      rel: 'noopener noreferrer',
      target: '_blank',
    },
    target.located.address,
  );
}

/** The reply key as a file to save (the same file `sealbox box submit` writes). */
function keyDownload(key: PageReplyKey): HTMLAnchorElement {
  const blob = new Blob([key.text], { type: 'application/json' });
  return h(
    'a',
    { href: URL.createObjectURL(blob), download: key.fileName, class: 'download' },
    'Save your reply key',
  ) as HTMLAnchorElement;
}

function keyAdvice(): HTMLElement {
  return h(
    'p',
    {},
    'Save your reply key before you post: the box’s private reply to you opens with it alone, and this page keeps nothing (a reload loses it). Open the reply later under “Verify a box”, or with ',
    h('code', {}, 'sealbox box reply BOX --reply-key FILE'),
    '.',
  );
}

function boxFacts(t: SubmissionTarget): HTMLElement {
  const m = t.box.manifest;
  return h(
    'section',
    { class: 'verdict pass', 'data-verdict': 'open', 'data-opens-at': t.box.opensAt },
    h('h3', {}, h('span', { class: 'badge' }, 'OPEN'), ` box ${m.box_id} in ${t.located.address}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Manifest'),
      h('dd', {}, `attested by the run you expect (sha256 ${t.box.digest.slice(0, 16)}…)`),
      h('dt', {}, 'Computation'),
      h('dd', {}, `${m.computation.name} ${JSON.stringify(m.computation.parameters)}`),
      h('dt', {}, 'Encryption'),
      h('dd', {}, m.hpke.suite),
      h('dt', {}, 'Window'),
      h('dd', {}, `${t.box.opensAt} to ${t.box.closesAt}`),
      h('dt', {}, 'Rules'),
      h('dd', {}, JSON.stringify(m.rules)),
    ),
  );
}

function postedView(posted: Awaited<ReturnType<typeof sealAndPost>>): HTMLElement {
  const receipt = new Blob([JSON.stringify(posted.receipt, null, 2) + '\n'], {
    type: 'application/json',
  });
  return h(
    'div',
    { class: 'verdict pass', 'data-verdict': 'posted' },
    h('p', {}, `Posted as ${posted.login} (comment ${posted.commentId}).`),
    h(
      'a',
      {
        href: URL.createObjectURL(receipt),
        download: `sealbox-receipt-${posted.receipt.box_id}.json`,
      },
      'Save your receipt',
    ),
    ' (check later, under “Verify a box”, that your submission was counted).',
  );
}

export function submitView(): HTMLElement {
  const policy = policyFields('submit');
  const address = addressField('submit-address', policy);
  let target: SubmissionTarget | undefined;

  const login = field(
    'Your GitHub login (the account that will post the comment)',
    h('input', { name: 'submit-login', autocomplete: 'username', spellcheck: 'false' }),
    'The submission is bound to this account’s user id: posted by anyone else it is rejected.',
  );
  const message = textArea(
    'Your message (stays in this page; only its encryption leaves it)',
    'submit-message',
    4,
  );
  const token = field(
    'Or post it for me with a token (optional)',
    h('input', { type: 'password', name: 'submit-token', autocomplete: 'off' }) as HTMLInputElement,
    'Kept in memory for this one post, never stored. Narrowest that works: a fine-grained token for the box’s repository with only “Issues: read and write”, expiring in a day; for a repository you cannot select, a classic token with only public_repo.',
  );
  const seal = checkForm(
    'submit-seal-out',
    'Seal my message',
    [h('h3', {}, '2. Seal your message'), login.row, message.row, token.row],
    () => sealed(),
  );
  seal.form.hidden = true;
  const check = checkForm(
    'submit-box-out',
    'Check the box',
    [h('h3', {}, '1. Check the box'), address.row, ...policy.rows],
    async () => {
      seal.form.hidden = true;
      seal.out.replaceChildren();
      policy.suggestFrom(address.input.value);
      target = await openBoxAt(address.input.value, policy.flags(), settings());
      seal.form.hidden = false;
      return boxFacts(target);
    },
  );
  async function sealed(): Promise<Node> {
    const text = message.input.value;
    if (!target) throw usage('check the box first');
    if (!text) throw usage('the message is empty');
    const chosen = target;
    const replyKey = await newPageReplyKey(chosen);
    const save = keyDownload(replyKey);
    if (token.input.value.trim()) {
      // Posting waits until the reply key is saved; the token waits in memory only.
      let secret = token.input.value;
      token.input.value = '';
      const post = h(
        'button',
        { type: 'button', disabled: true, 'aria-describedby': 'submit-key-advice' },
        'Post my submission',
      ) as HTMLButtonElement;
      const region = h('div', { 'aria-live': 'polite' });
      save.addEventListener('click', () => (post.disabled = false));
      post.addEventListener('click', () => {
        post.disabled = true;
        sealAndPost(chosen, text, secret, settings(), replyKey).then(
          (posted) => {
            secret = '';
            post.remove();
            region.replaceChildren(postedView(posted));
          },
          (err: unknown) => {
            post.disabled = false;
            region.replaceChildren(errorBox(err));
          },
        );
      });
      return h(
        'div',
        { class: 'sealed', 'data-verdict': 'key' },
        h('div', { id: 'submit-key-advice' }, keyAdvice()),
        save,
        ' ',
        post,
        region,
      );
    }
    const who = await userId((login.input as HTMLInputElement).value, settings());
    const body = await sealForAuthor(chosen, who.id, text, replyKey);
    const area = h('textarea', {
      readonly: true,
      rows: '8',
      name: 'submit-comment',
      'aria-label': 'The comment to post',
    }) as HTMLTextAreaElement;
    area.value = body;
    const copy = h('button', { type: 'button' }, 'Copy') as HTMLButtonElement;
    copy.addEventListener('click', () => {
      navigator.clipboard.writeText(body).then(
        () => (copy.textContent = 'Copied'),
        (err: unknown) => copy.after(errorBox(err)),
      );
    });
    return h(
      'div',
      { class: 'sealed', 'data-verdict': 'sealed' },
      keyAdvice(),
      save,
      h(
        'p',
        {},
        `Sealed for ${who.login} (user id ${who.id}). Post this, signed in as ${who.login}, as one new comment on `,
        issueLink(chosen),
        Date.parse(chosen.box.opensAt) > Date.now()
          ? ` after ${chosen.box.opensAt} (the box is not open yet: earlier, it is rejected as late) and before ${chosen.box.closesAt}:`
          : ` before ${chosen.box.closesAt}:`,
      ),
      area,
      copy,
    );
  }
  return screen('submit', 'Submit to a box', check.form, check.out, seal.form, seal.out);
}
