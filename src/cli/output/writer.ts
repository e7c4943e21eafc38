/**
 * Writes lists in the chosen format (table, json, jsonl, csv) as items arrive, honouring
 * back-pressure so that long exports use flat memory. Tables wait for every row to size columns.
 */
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Column } from './columns.js';
import { renderRecord, renderTable } from './table.js';

export const outputFormats = ['table', 'json', 'jsonl', 'csv'] as const;
export type OutputFormat = (typeof outputFormats)[number];

/**
 * Checks an `-o` value.
 *
 * @example
 * parseFormat('csv', ['csv', 'jsonl']); // 'csv'
 */
export function parseFormat(value: string, allowed: readonly OutputFormat[] = outputFormats): OutputFormat {
  const v = value.toLowerCase() as OutputFormat;
  if (!allowed.includes(v)) throw new Error(`-o must be one of ${allowed.join(', ')}`);
  return v;
}

/** Writes text, waiting for the stream to drain when its buffer is full. */
export function writeText(out: Writable, text: string): Promise<void> | void {
  if (out.write(text)) return;
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      out.off('drain', onDrain);
      reject(err);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

export interface ListWriter<T> {
  write(item: T): Promise<void> | void;
  end(): Promise<void> | void;
}

export interface ListWriterOptions<T> {
  format: OutputFormat;
  out: Writable;
  tableColumns: Column<T>[];
  csvColumns: Column<T>[];
  /** Table width; undefined when stdout is not a terminal. */
  width?: number;
}

/**
 * A writer for a list of items.
 *
 * @example
 * const w = listWriter({ format: 'jsonl', out: process.stdout, tableColumns, csvColumns });
 * for await (const user of users.all()) await w.write(user);
 * await w.end();
 */
export function listWriter<T>(options: ListWriterOptions<T>): ListWriter<T> {
  const { out, format } = options;
  switch (format) {
    case 'jsonl':
      return { write: (item) => writeText(out, `${JSON.stringify(item)}\n`), end: () => {} };
    case 'json': {
      let first = true;
      return {
        write(item) {
          const text = `${first ? '[\n' : ',\n'}${JSON.stringify(item)}`;
          first = false;
          return writeText(out, text);
        },
        end: () => writeText(out, first ? '[]\n' : '\n]\n'),
      };
    }
    case 'csv': {
      let headerWritten = false;
      const header = () => {
        headerWritten = true;
        return stringify([options.csvColumns.map((c) => c.header)]);
      };
      return {
        write(item) {
          const row = stringify([options.csvColumns.map((c) => c.value(item) ?? '')]);
          return writeText(out, headerWritten ? row : header() + row);
        },
        end: () => (headerWritten ? undefined : writeText(out, header())),
      };
    }
    case 'table': {
      const rows: T[] = [];
      return {
        write: (item) => void rows.push(item),
        end: () => writeText(out, rows.length ? renderTable(rows, options.tableColumns, options.width) : '(none)\n'),
      };
    }
  }
}

/**
 * Writes one object: `key: value` lines for table, the JSON otherwise (csv uses the given columns).
 *
 * @example
 * await writeRecord(user, 'json', process.stdout, userCsvColumns);
 */
export async function writeRecord<T extends object>(record: T, format: OutputFormat, out: Writable, csvColumns: Column<T>[]): Promise<void> {
  if (format === 'table') return writeText(out, renderRecord(record));
  if (format === 'jsonl') return writeText(out, `${JSON.stringify(record)}\n`);
  if (format === 'csv') return writeText(out, stringify([csvColumns.map((c) => c.header), csvColumns.map((c) => c.value(record) ?? '')]));
  return writeText(out, `${JSON.stringify(record, null, 2)}\n`);
}
