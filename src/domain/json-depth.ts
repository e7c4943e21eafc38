/**
 * How deeply a JSON text nests, measured without parsing it, so a hostile body of a million
 * brackets is refused before any recursive code (a reviver, schema binding) walks it.
 */

/**
 * Whether the JSON text nests objects and arrays deeper than `limit`. Brackets inside strings
 * do not count. Runs in one pass, no allocation.
 *
 * @example
 * exceedsJsonDepth('{"a":{"b":[1]}}', 2); // true (depth 3)
 */
export function exceedsJsonDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
