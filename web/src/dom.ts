// A few DOM helpers: elements from data (text is always set as text, never as
// HTML), files read as bytes, and errors shown as one plain line.
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | boolean | undefined | ((e: Event) => void)>;

export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
  return el;
}

let ids = 0;
/** A labelled form field: the label names the input for screen readers. */
export function field(
  label: string,
  input: HTMLElement,
  hint?: string,
): { row: HTMLElement; input: HTMLElement } {
  const id = input.id || `f${++ids}`;
  input.id = id;
  const hintEl = hint ? h('small', { id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return {
    row: h('div', { class: 'field' }, h('label', { for: id }, label), input, hintEl),
    input,
  };
}

export async function readFiles(input: HTMLInputElement | FileList | File[]) {
  const list = input instanceof HTMLInputElement ? [...(input.files ?? [])] : [...input];
  return Promise.all(
    list.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
  );
}

export async function readText(input: HTMLInputElement): Promise<string | undefined> {
  const f = input.files?.[0];
  return f ? f.text() : undefined;
}

/** An error as the CLI prints it: its code and one line naming the input and the reason. */
export function errorBox(e: unknown): HTMLElement {
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' ? err.code : 'ERROR';
  const message = typeof err.message === 'string' ? err.message : String(e);
  return h(
    'div',
    { class: 'error', role: 'alert', 'data-code': code },
    h('strong', {}, 'Could not check: '),
    `${message} `,
    h('code', {}, code),
  );
}

/** Runs `work` with the form's button disabled and its outcome placed in `out`. */
export async function run(
  button: HTMLButtonElement,
  out: HTMLElement,
  work: () => Promise<Node>,
): Promise<void> {
  button.disabled = true;
  out.replaceChildren(h('p', { class: 'working' }, 'Checking…'));
  out.setAttribute('aria-busy', 'true');
  try {
    out.replaceChildren(await work());
  } catch (e) {
    out.replaceChildren(errorBox(e));
  } finally {
    out.removeAttribute('aria-busy');
    button.disabled = false;
  }
}
