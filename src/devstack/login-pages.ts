// The login issuer's pages: consent for a browser login, the device page
// where a code from a terminal is entered, and one-message pages. Plain
// forms, no script: a person (or a test driving a browser) picks an account
// and an email address and allows or denies.

export interface Connector {
  /** What Dex calls the connector id: the upstream issuer Fulcio records. */
  id: string;
  name: string;
}

/** Dex's connectors on Sigstore's public-good instance, by the issuer each stands for. */
export const CONNECTORS: Connector[] = [
  { id: 'https://github.com/login/oauth', name: 'GitHub' },
  { id: 'https://accounts.google.com', name: 'Google' },
  { id: 'https://login.microsoftonline.com', name: 'Microsoft' },
];

export const DEFAULT_EMAIL = 'alice@example.com';

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(title)}</title></head>
<body><main>
<h1>${escape(title)}</h1>
${body}
</main></body>
</html>
`;
}

function accountFields(email: string, connector: string): string {
  const radios = CONNECTORS.map(
    (c) =>
      `<label><input type="radio" name="connector" value="${escape(c.id)}"${c.id === connector ? ' checked' : ''}> ${escape(c.name)}</label>`,
  ).join('\n');
  return `<fieldset><legend>Log in with</legend>
${radios}
</fieldset>
<p><label>Email address <input type="email" name="email" value="${escape(email)}" required></label></p>`;
}

const buttons = `<p><button type="submit" name="action" value="allow">Allow</button>
<button type="submit" name="action" value="deny" formnovalidate>Deny</button></p>`;

export function consentPage(o: {
  request: string;
  client: string;
  redirect: string;
  email?: string;
  connector?: string;
  problem?: string;
}): string {
  return page(
    'Sign in to Sigstore (local stack)',
    `${o.problem ? `<p role="alert">${escape(o.problem)}</p>` : ''}
<p>The application <code>${escape(o.client)}</code> on this machine (<code>${escape(o.redirect)}</code>) asks for your email address, to sign as you.</p>
<form method="post" action="approve">
<input type="hidden" name="request" value="${escape(o.request)}">
${accountFields(o.email ?? DEFAULT_EMAIL, o.connector ?? CONNECTORS[0]!.id)}
${buttons}
</form>`,
  );
}

export function devicePage(o: { userCode?: string; problem?: string }): string {
  return page(
    'Sign in to Sigstore on another device (local stack)',
    `${o.problem ? `<p role="alert">${escape(o.problem)}</p>` : ''}
<p>Enter the code your terminal shows.</p>
<form method="post" action="device">
<p><label>Code <input name="user_code" value="${escape(o.userCode ?? '')}" required autocomplete="off"></label></p>
${accountFields(DEFAULT_EMAIL, CONNECTORS[0]!.id)}
${buttons}
</form>`,
  );
}

export function messagePage(title: string, text: string): string {
  return page(title, `<p>${escape(text)}</p>`);
}
