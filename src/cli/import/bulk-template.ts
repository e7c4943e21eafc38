/**
 * Reads Partner Center's bulk-upload template (First name, Last name, Display name, Email or
 * User name; "Status update" and other extra columns are ignored) and validates every row before
 * anything is created, so that all problems are reported at once with their line numbers.
 * API-style headers (userPrincipalName, displayName, …) are accepted too, so an export imports again.
 */
import { parse } from 'csv-parse/sync';
import { restoreCsvCell } from '../../domain/csv-formula.js';
import { Fault } from '../../domain/fault.js';
import { lookup } from '../../domain/lookup.js';
import { validateUsageLocation, validateUserPrincipalName } from '../../domain/user.js';

export interface ImportRow {
  /** Line of the row in the file (the header is line 1). */
  line: number;
  userPrincipalName: string;
  displayName: string;
  firstName?: string;
  lastName?: string;
  usageLocation?: string;
}

export interface RowProblem {
  line: number;
  message: string;
  /** What the row held, for the results file. */
  row?: Partial<ImportRow>;
}

export interface ParsedTemplate {
  rows: ImportRow[];
  problems: RowProblem[];
}

type Field = 'firstName' | 'lastName' | 'displayName' | 'userPrincipalName' | 'usageLocation';

// Header spellings, compared lower-case without spaces or punctuation.
const headerFields: Record<string, Field> = {
  firstname: 'firstName',
  givenname: 'firstName',
  lastname: 'lastName',
  surname: 'lastName',
  displayname: 'displayName',
  email: 'userPrincipalName',
  emailaddress: 'userPrincipalName',
  username: 'userPrincipalName',
  usernameemail: 'userPrincipalName',
  emailusername: 'userPrincipalName',
  userprincipalname: 'userPrincipalName',
  upn: 'userPrincipalName',
  usagelocation: 'usageLocation',
  location: 'usageLocation',
};

const limits: Partial<Record<Field, number>> = { displayName: 256, firstName: 64, lastName: 64 };

export interface TemplateOptions {
  /** The customer's domains: every user name must be in one. */
  domains: readonly string[];
  /** Usage location for rows without one (`--usage-location`). */
  usageLocation?: string;
}

/**
 * Parses and validates a template. A header without a user name or display name column is a
 * problem on line 1 and no rows are returned.
 *
 * @example
 * const { rows, problems } = parseBulkTemplate(readFileSync('users.csv'), { domains: ['contoso.onmicrosoft.com'], usageLocation: 'US' });
 */
export function parseBulkTemplate(input: string | Buffer, options: TemplateOptions): ParsedTemplate {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(input, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 0;
    return { rows: [], problems: [{ line, message: `not a readable CSV file: ${(err as Error).message}` }] };
  }
  if (records.length === 0) return { rows: [], problems: [{ line: 1, message: 'the file is empty' }] };

  const header = records[0].record.map((h) => lookup(headerFields, h.toLowerCase().replace(/[^a-z]/g, '')));
  const missing = (['userPrincipalName', 'displayName'] as Field[]).filter((f) => !header.includes(f));
  if (missing.length) {
    const names = { userPrincipalName: 'Email (or User name)', displayName: 'Display name' } as Record<string, string>;
    return { rows: [], problems: [{ line: 1, message: `the header lacks the ${missing.map((m) => names[m]).join(' and ')} column` }] };
  }

  let defaultLocation: string | undefined;
  const problems: RowProblem[] = [];
  if (options.usageLocation !== undefined) {
    try {
      defaultLocation = validateUsageLocation(options.usageLocation);
    } catch (e) {
      problems.push({ line: 0, message: `--usage-location: ${describe(e)}` });
    }
  }

  const rows: ImportRow[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const values: Partial<Record<Field, string>> = {};
    header.forEach((field, i) => {
      // The cells Tenantry's own exports neutralized read back to their original text.
      const v = record[i] === undefined ? undefined : restoreCsvCell(record[i].trim());
      if (field && v && values[field] === undefined) values[field] = v;
    });
    const partial = { line, ...values };
    const errors: string[] = [];
    for (const [field, max] of Object.entries(limits) as [Field, number][]) {
      if ((values[field]?.length ?? 0) > max) errors.push(`${field} is longer than ${max} characters`);
    }
    if (!values.displayName) errors.push('Display name is required');
    let upn: string | undefined;
    if (!values.userPrincipalName) errors.push('Email (user name) is required');
    else {
      try {
        upn = validateUserPrincipalName(values.userPrincipalName, options.domains);
      } catch (e) {
        errors.push(`${values.userPrincipalName}: ${describe(e)}`);
      }
    }
    let usageLocation = defaultLocation;
    if (values.usageLocation) {
      try {
        usageLocation = validateUsageLocation(values.usageLocation);
      } catch (e) {
        errors.push(describe(e));
      }
    }
    if (upn) {
      const key = upn.toLowerCase();
      const earlier = firstLineOf.get(key);
      if (earlier !== undefined) errors.push(`${upn} repeats the user name of line ${earlier}`);
      else firstLineOf.set(key, line);
    }
    if (errors.length) {
      problems.push({ line, message: errors.join('; '), row: partial });
      continue;
    }
    rows.push({ line, userPrincipalName: upn!, displayName: values.displayName!, firstName: values.firstName, lastName: values.lastName, usageLocation });
  }
  return { rows, problems };
}

function describe(e: unknown): string {
  return e instanceof Fault ? e.description : e instanceof Error ? e.message : String(e);
}
