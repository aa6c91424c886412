// Fenced blocks of base64 in comment text (```TAG, lines of base64, ```),
// found in one linear pass: anyone can post text, and no text may cost more
// than its length to read. Portable.

const INNER = /^[ \t\r]*\n[A-Za-z0-9+/=\s]*$/;

/**
 * The base64 text (whitespace removed) of the first ```TAG block whose content
 * is only base64 and whitespace, starting on the line after the tag.
 */
export function fencedBase64(text: string, tag: string): string | undefined {
  const open = '```' + tag;
  for (let from = 0; ;) {
    const start = text.indexOf(open, from);
    if (start === -1) return undefined;
    const inner = start + open.length;
    const close = text.indexOf('```', inner);
    if (close === -1) return undefined;
    const content = text.slice(inner, close);
    // The anchored pattern cannot backtrack past the content's first newline.
    if (INNER.test(content)) return content.replace(/\s+/g, '');
    from = close;
  }
}
