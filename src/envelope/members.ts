// What a JSON text's member names show that its parsed value cannot: a name
// repeated within one object (a parser keeps one of the two, silently when
// their values are equal), a member named __proto__ (JavaScript readers drop
// it or take it as a prototype), and how deep the text nests. One pass over
// the text, no recursion: linear in its length. Portable.

/** Arrays and objects nested deeper than this are not read (recursive readers would overflow). */
export const MAX_DEPTH = 512;

export interface MemberScan {
  /** The path of the first member whose name repeats an earlier one of the same object. */
  repeated?: string;
  /** The path of the first member named __proto__. */
  proto?: string;
  /** Set when the text nests deeper than MAX_DEPTH (then nothing else was read). */
  tooDeep?: boolean;
}

type Frame =
  | { kind: 'object'; names: Set<string>; key?: string; expectKey: boolean }
  | { kind: 'array'; index: number };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function segment(frame: Frame): string {
  if (frame.kind === 'array') return `[${frame.index}]`;
  const key = frame.key ?? '';
  if (IDENTIFIER.test(key) && key.length <= 64) return `.${key}`;
  return `[${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}...` : key)}]`;
}

const pathOf = (stack: Frame[]) => `$${stack.map(segment).join('')}`;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Scans a JSON text. On text that is not JSON it returns what it saw; the
 * caller's parser refuses such text anyway.
 */
export function scanMembers(text: string): MemberScan {
  const out: MemberScan = {};
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      while (j < text.length && text.charCodeAt(j) !== QUOTE) {
        if (text.charCodeAt(j) === BACKSLASH) {
          escaped = true;
          j += 2;
        } else j++;
      }
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && top.expectKey) {
        let name: string;
        try {
          // Escapes are read as JSON reads them: "\u0061" is the name a.
          name = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        } catch {
          return out;
        }
        top.key = name;
        top.expectKey = false;
        if (!out.repeated && top.names.has(name)) out.repeated = pathOf(stack);
        if (!out.proto && name === '__proto__') out.proto = pathOf(stack);
        top.names.add(name);
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= MAX_DEPTH) return { tooDeep: true };
      stack.push(
        c === 0x7b
          ? { kind: 'object', names: new Set(), expectKey: true }
          : { kind: 'array', index: 0 },
      );
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object') top.expectKey = true;
      else if (top) top.index++;
    }
  }
  return out;
}
