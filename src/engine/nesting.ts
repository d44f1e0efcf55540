/** Brackets nested deeper than this are not read: no real input comes close, and parsers recurse per level. */
export const MAX_NESTING = 1000;

/**
 * True when `[` / `{` nest deeper than `limit` (double-quoted strings skipped).
 * Runs before any parser so a hostile file becomes an error of its own instead
 * of a stack overflow somewhere in a source, a check or a fixer.
 */
export function nestedTooDeep(text: string, limit = MAX_NESTING): boolean {
  // Most texts (all YAML, most JSON) have too few brackets to nest that deep: counted without reading every character.
  if (bracketsAtMost(text, limit)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22 || c === 0x0a) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return false;
}

/** True when `text` has at most `limit` opening brackets ([ and {), in strings or not. */
function bracketsAtMost(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let i = text.indexOf(bracket); i !== -1; i = text.indexOf(bracket, i + 1)) if (++count > limit) return false;
  }
  return true;
}
