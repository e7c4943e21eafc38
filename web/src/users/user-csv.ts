/**
 * Partner Center's bulk-upload CSV: the template, row validation (every problem of every row), and
 * the results file with the temporary passwords. Pure functions, no I/O.
 */
import { parse } from 'csv-parse/browser/esm/sync';
import { stringify } from 'csv-stringify/browser/esm/sync';
import { isFormulaLike, restoreCsvCell } from '../../../src/domain/csv-formula';

// The same CSV-injection rule as the CLI's (one module for both): text a spreadsheet would run
// as a formula is written with a leading ' and quoted, and read back without it.
const neutralizing = { cast: { string: (value: string) => (isFormulaLike(value) ? { value: `'${value}`, quoted: true } : value) } };

/** The template's columns, as Partner Center names them. */
export const csvColumns = ['First name', 'Last name', 'Display name', 'Email', 'Status update'] as const;
/** Partner Center's limit per upload. */
export const maxCsvRows = 100;

export interface CsvUserRow {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  firstName: string;
  lastName: string;
  displayName: string;
  email: string;
  /** Whether the email is well formed, in a customer domain and unique in the file (so worth checking on the server). */
  emailValid: boolean;
  problems: string[];
}

export interface CsvCheck {
  rows: CsvUserRow[];
  /** Problems with the file as a whole (columns, size). */
  fileProblems: string[];
}

/**
 * The template to download: the header and one example row.
 *
 * @example
 * csvTemplate('contoso.onmicrosoft.com');
 */
export function csvTemplate(domain: string): string {
  return stringify([[...csvColumns], ['Ada', 'Lovelace', 'Ada Lovelace', `ada@${domain}`, '']], neutralizing);
}

const emailPattern = /^[A-Za-z0-9._'+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
const normalize = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Parses and checks a CSV against the customer's domains. Every row gets all its problems, so
 * one pass fixes the file.
 *
 * @example
 * const { rows, fileProblems } = checkUserCsv(text, ['contoso.onmicrosoft.com']);
 */
export function checkUserCsv(text: string, domains: string[]): CsvCheck {
  const fileProblems: string[] = [];
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true, trim: false }) as string[][];
  } catch (e) {
    return { rows: [], fileProblems: [`The file is not valid CSV: ${e instanceof Error ? e.message : String(e)}`] };
  }
  if (records.length === 0) return { rows: [], fileProblems: ['The file is empty. Download the template and fill it in.'] };
  const header = records[0].map(normalize);
  const index = (name: string) => header.indexOf(normalize(name));
  const missing = csvColumns.slice(0, 4).filter((c) => index(c) < 0);
  if (missing.length) fileProblems.push(`The first line must be the template's header; missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`);
  const unknown = records[0].filter((h) => h.trim() && !csvColumns.some((c) => normalize(c) === normalize(h)));
  if (unknown.length) fileProblems.push(`Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Use the template's columns only.`);
  const body = records.slice(1);
  if (body.length === 0) fileProblems.push('The file has no users: add one user per line under the header.');
  if (body.length > maxCsvRows) fileProblems.push(`The file has ${body.length} users; upload at most ${maxCsvRows} at a time.`);
  if (fileProblems.length) return { rows: [], fileProblems };

  const lowerDomains = domains.map((d) => d.toLowerCase());
  const seen = new Map<string, number>();
  const rows = body.map((r, i): CsvUserRow => {
    const cell = (name: string) => restoreCsvCell((r[index(name)] ?? '').trim());
    const row: CsvUserRow = { line: i + 2, firstName: cell('First name'), lastName: cell('Last name'), displayName: cell('Display name'), email: cell('Email'), emailValid: false, problems: [] };
    if (r.length > header.length) row.problems.push('has more cells than the header');
    if (!row.displayName) row.problems.push('Display name is required');
    else if (row.displayName.length > 50) row.problems.push('Display name is longer than 50 characters');
    if (row.firstName.length > 50) row.problems.push('First name is longer than 50 characters');
    if (row.lastName.length > 50) row.problems.push('Last name is longer than 50 characters');
    if (!row.email) row.problems.push('Email is required');
    else if (!emailPattern.test(row.email)) row.problems.push(`Email ${row.email} is not a valid address`);
    else {
      const domain = row.email.slice(row.email.lastIndexOf('@') + 1).toLowerCase();
      if (!lowerDomains.includes(domain)) row.problems.push(`Email must end in @${domains.join(' or @')}`);
      const key = row.email.toLowerCase();
      const first = seen.get(key);
      if (first) row.problems.push(`Email repeats line ${first}`);
      else seen.set(key, row.line);
      row.emailValid = lowerDomains.includes(domain) && !first;
    }
    return row;
  });
  return { rows, fileProblems };
}

export interface CsvResult {
  row: CsvUserRow;
  status: string;
  password?: string;
}

/**
 * The results file: the template's columns with Status update filled in, plus the temporary
 * passwords (only in this file, only now).
 */
export function csvResults(results: CsvResult[]): string {
  return stringify([
    [...csvColumns, 'Temporary password'],
    ...results.map((r) => [r.row.firstName, r.row.lastName, r.row.displayName, r.row.email, r.status, r.password ?? '']),
  ], neutralizing);
}

/** Offers text as a file download. */
export function downloadText(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
