/**
 * Printing input back to the person who wrote it, in error messages and reports, so that what is
 * printed is what was written and cannot pass for something else: no line break that starts a
 * forged line, no bidi control that reorders the text around it, no invisible character that makes
 * two values look alike.
 */

/**
 * Characters that break lines, print as nothing, reorder text or stand in for a space: controls,
 * format characters (bidi, zero-width), line and paragraph separators, private-use, unassigned and
 * lone surrogates, default-ignorables (Hangul fillers, variation selectors), braille blanks and
 * every space other than " ".
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]|(?! )\p{Zs}/gu;

/** `\u200b` (JSON's form, four hex digits) or `\u{e0041}` beyond it; `braces` always uses `\u{...}`. */
function escapeCodePoint(ch: string, braces: boolean): string {
  const hex = ch.codePointAt(0)!.toString(16);
  return braces || hex.length > 4 ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}

/** `text` with every hidden character (see {@link HIDDEN}) written as an escape. */
export function escapeHidden(text: string, braces = false): string {
  return text.replace(HIDDEN, ch => escapeCodePoint(ch, braces));
}

/** How much of a value an error message shows. */
const MAX_PRINTED = 200;

/**
 * A value as it was written, on one line, for an error message: JSON where JSON says the same
 * (strings quoted and escaped), and what JSON would hide or turn into `null` as itself: `NaN`,
 * `Infinity`, `undefined` (also inside objects), `10n`, `Symbol(x)`, `[function name]`, and
 * `[circular]` for a value that contains itself. Hidden characters are escaped; long values are cut
 * at 200 characters. Never throws.
 */
export function printValue(value: unknown): string {
  const ancestors = new Set<object>();
  const print = (v: unknown): string => {
    switch (typeof v) {
      case 'string': return JSON.stringify(v);
      case 'number': return Object.is(v, -0) ? '-0' : String(v);
      case 'bigint': return `${v}n`;
      case 'symbol': return v.toString();
      case 'function': return `[function${v.name ? ` ${v.name}` : ''}]`;
      case 'object': break;
      default: return String(v);
    }
    if (v === null) return 'null';
    if (ancestors.has(v)) return '[circular]';
    ancestors.add(v);
    try {
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return print((v as { toJSON: () => unknown }).toJSON());
      if (Array.isArray(v)) return `[${v.map(print).join(',')}]`;
      return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${print(x)}`).join(',')}}`;
    } finally {
      ancestors.delete(v);
    }
  };
  let printed: string;
  try {
    printed = escapeHidden(print(value));
  } catch {
    // A getter or proxy that throws: say so rather than fail while reporting another failure.
    return 'a value that cannot be read';
  }
  return printed.length > MAX_PRINTED ? `${printed.slice(0, MAX_PRINTED - 3)}...` : printed;
}
