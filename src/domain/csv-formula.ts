/**
 * CSV injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`, `-`
 * or `@` as a formula (tab and carriage return lead to the same on some imports), so a display
 * name such as `=HYPERLINK(…)` in an export would run where the file is opened. Every CSV
 * Tenantry writes (CLI and web UI) passes its text cells through {@link neutralizeCsvCell}, which
 * prefixes such a cell with `'` as OWASP recommends (and the writers quote it); every CSV it
 * reads passes them through {@link restoreCsvCell}, so an export imports back to the original.
 *
 * Round trip: a cell gets one `'` more exactly when, after its leading quotes, its first
 * character is a formula trigger. So `=1` ↔ `'=1`, `'=1` ↔ `''=1`, and a name such as `'Ada`
 * (no trigger after the quote) is written and read unchanged. No imports: the web UI's build
 * takes this file as it is.
 */

const quote = 0x27;

/** `=` `+` `-` `@` tab, carriage return: a first character that makes a spreadsheet evaluate the cell. */
function isTrigger(code: number): boolean {
  return code === 0x3d || code === 0x2b || code === 0x2d || code === 0x40 || code === 0x09 || code === 0x0d;
}

/**
 * Whether the text needs (when written) or has (when read) the one added quote: its first
 * character after any leading `'` is a formula trigger. One look at the first characters, no
 * regular expression: exports of a million users call this for every cell.
 *
 * @example
 * isFormulaLike('=SUM(1+1)'); // true
 * isFormulaLike("'=SUM(1+1)"); // true
 * isFormulaLike('Ada'); // false
 */
export function isFormulaLike(text: string): boolean {
  // Every trigger and the quote are at most `@` (0x40): cells starting with a letter stop here.
  if (!(text.charCodeAt(0) <= 0x40)) return false;
  let i = 0;
  while (text.charCodeAt(i) === quote) i++;
  return i < text.length && isTrigger(text.charCodeAt(i));
}

/**
 * The text to write into a CSV cell: prefixed with `'` when a spreadsheet would run it.
 *
 * @example
 * neutralizeCsvCell('=HYPERLINK("http://x.example/","click")'); // `'=HYPERLINK("http://x.example/","click")`
 * neutralizeCsvCell('Ada Lovelace'); // 'Ada Lovelace'
 */
export function neutralizeCsvCell(text: string): string {
  return isFormulaLike(text) ? `'${text}` : text;
}

/**
 * The original text of a cell {@link neutralizeCsvCell} wrote: exactly one leading `'` removed
 * when what follows the quotes is a formula trigger; anything else unchanged.
 *
 * @example
 * restoreCsvCell("'@SUM(1+1)"); // '@SUM(1+1)'
 * restoreCsvCell("'Ada"); // "'Ada"
 */
export function restoreCsvCell(text: string): string {
  return text.charCodeAt(0) === quote && isFormulaLike(text) ? text.slice(1) : text;
}
