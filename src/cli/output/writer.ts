/**
 * Writes lists in the chosen format (table, json, jsonl, csv) as items arrive, honouring
 * back-pressure so that long exports use flat memory. Tables wait for every row to size columns.
 */
import type { Writable } from 'node:stream';
import type { Column } from './columns.js';
import { csvRecord } from './csv.js';
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

function joinText<T>(items: readonly T[], text: (item: T) => string): string {
  let chunk = '';
  for (const item of items) chunk += text(item);
  return chunk;
}

/** One write for a whole batch; nothing for an empty one. */
function writeChunk<T>(out: Writable, items: readonly T[], text: (item: T) => string): Promise<void> | void {
  if (items.length) return writeText(out, joinText(items, text));
}

export interface ListWriter<T> {
  write(item: T): Promise<void> | void;
  /** Writes many items as one chunk (one write per page instead of one per item), same text as `write` each. */
  writeAll(items: readonly T[]): Promise<void> | void;
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
    case 'jsonl': {
      const line = (item: T) => `${JSON.stringify(item)}\n`;
      return { write: (item) => writeText(out, line(item)), writeAll: (items) => writeChunk(out, items, line), end: () => {} };
    }
    case 'json': {
      let first = true;
      const text = (item: T) => {
        const t = `${first ? '[\n' : ',\n'}${JSON.stringify(item)}`;
        first = false;
        return t;
      };
      return {
        write: (item) => writeText(out, text(item)),
        writeAll: (items) => writeChunk(out, items, text),
        end: () => writeText(out, first ? '[]\n' : '\n]\n'),
      };
    }
    case 'csv': {
      const columns = options.csvColumns;
      let headerWritten = false;
      const header = () => {
        headerWritten = true;
        return csvRecord(columns.map((c) => c.header));
      };
      const row = (item: T) => {
        const values = new Array<string>(columns.length);
        for (let i = 0; i < columns.length; i++) values[i] = columns[i].value(item) ?? '';
        return csvRecord(values);
      };
      return {
        write: (item) => writeText(out, headerWritten ? row(item) : header() + row(item)),
        writeAll: (items) => (items.length ? writeText(out, (headerWritten ? '' : header()) + joinText(items, row)) : undefined),
        end: () => (headerWritten ? undefined : writeText(out, header())),
      };
    }
    case 'table': {
      const rows: T[] = [];
      return {
        write: (item) => void rows.push(item),
        writeAll(items) {
          for (const item of items) rows.push(item);
        },
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
  if (format === 'csv') return writeText(out, csvRecord(csvColumns.map((c) => c.header)) + csvRecord(csvColumns.map((c) => c.value(record) ?? '')));
  return writeText(out, `${JSON.stringify(record, null, 2)}\n`);
}
