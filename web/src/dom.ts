// A few DOM helpers: elements from data (text is always set as text, never as
// HTML), files read as bytes, and errors shown as one plain line.
import { inPageTerms } from './terms.ts';

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
export interface Field<E extends HTMLElement = HTMLInputElement> {
  row: HTMLElement;
  input: E;
}

/** A labelled form field: the label names the input for screen readers, the hint describes it. */
export function field<E extends HTMLElement>(label: string, input: E, hint?: string): Field<E> {
  const id = input.id || `f${++ids}`;
  input.id = id;
  const hintEl = hint ? h('small', { id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return {
    row: h('div', { class: 'field' }, h('label', { for: id }, label), input, hintEl),
    input,
  };
}

/** A one-line text field for names, addresses and patterns (no autocomplete, no spelling). */
export function textField(
  label: string,
  name: string,
  o: { hint?: string; placeholder?: string; value?: string } = {},
): Field {
  const input = h('input', {
    name,
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: o.placeholder,
    value: o.value,
  }) as HTMLInputElement;
  return field(label, input, o.hint);
}

export function fileField(
  label: string,
  name: string,
  o: { accept?: string; multiple?: boolean; hint?: string } = {},
): Field {
  const input = h('input', {
    type: 'file',
    name,
    accept: o.accept,
    multiple: o.multiple,
  }) as HTMLInputElement;
  return field(label, input, o.hint);
}

export function textArea(label: string, name: string, rows: number): Field<HTMLTextAreaElement> {
  const input = h('textarea', {
    name,
    rows: String(rows),
    autocomplete: 'off',
    spellcheck: 'false',
  }) as HTMLTextAreaElement;
  return field(label, input);
}

export const valueOf = (f: Field<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
  f.input.value.trim();

/** A usage error, shown as the CLI shows one. */
export function usage(message: string): Error {
  return Object.assign(new Error(message), { code: 'USAGE' });
}

/** A screen: a section labelled by its heading. */
export function screen(id: string, title: string, ...children: Child[]): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, title),
    ...children,
  );
}

/**
 * A form whose button runs `work` and shows its outcome (or its error) in
 * the region `#outId`, announced to screen readers.
 */
export function checkForm(
  outId: string,
  buttonText: string,
  rows: Child[],
  work: () => Promise<Node>,
): { form: HTMLFormElement; out: HTMLElement } {
  const button = h('button', { type: 'submit' }, buttonText) as HTMLButtonElement;
  const out = h('div', { class: 'out', id: outId, 'aria-live': 'polite' });
  const form = h('form', {}, ...rows, button) as HTMLFormElement;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run(button, out, work);
  });
  return { form, out };
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
    `${inPageTerms(message)} `,
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
