/**
 * CSV records as csv-stringify writes them with its defaults (`,` between fields, `\n` after each
 * record, a field quoted only when it holds `,`, `"`, CR or LF, quotes doubled), without its
 * per-call option handling, which dominated the CPU time of exporting a million users. Every CSV
 * the CLI writes goes through here, so text that a spreadsheet would run as a formula is
 * neutralized here once (see domain/csv-formula.ts): prefixed with `'` and quoted.
 */
import { stringify } from 'csv-stringify/sync';
import { isFormulaLike } from '../../domain/csv-formula.js';

const needsQuotes = /[",\r\n]/;

/** One field of a record; strings only (other types go through csv-stringify's casts). */
function field(value: string): string {
  // A first-character check, then the usual quoting: no extra pass over ordinary cells.
  if (isFormulaLike(value)) return `"'${value.replaceAll('"', '""')}"`;
  if (!needsQuotes.test(value)) return value;
  return `"${value.replaceAll('"', '""')}"`;
}

// Numbers, booleans and dates cannot hold a formula; text among them is neutralized the same way.
const neutralizingCast = { cast: { string: (value: string) => (isFormulaLike(value) ? { value: `'${value}`, quoted: true } : value) } };

/**
 * One CSV record with its `\n`. Null and undefined are empty fields; numbers, booleans, dates and
 * objects are cast by csv-stringify itself so that every value reads as it always did.
 *
 * @example
 * csvRecord(['a', 'b,c', 'say "hi"', undefined]); // 'a,"b,c","say ""hi""",\n'
 * csvRecord(['=1+1', 7]); // `"'=1+1",7\n` (a formula becomes text)
 */
export function csvRecord(values: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') line += field(v);
    else if (v !== undefined && v !== null) return stringify([values as unknown[]], neutralizingCast);
    if (i < values.length - 1) line += ',';
  }
  return `${line}\n`;
}
