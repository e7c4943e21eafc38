/**
 * Plain-text tables sized to the terminal: when the rows are wider than the screen, the widest
 * columns give up space first and their cells end in an ellipsis.
 */
import type { Column } from './columns.js';

/**
 * Shrinks column widths until they fit `maxWidth` (with two spaces between columns).
 *
 * @example
 * fitWidths([30, 40, 36], 80); // [.., .., ..] summing to 76
 */
export function fitWidths(widths: number[], maxWidth: number | undefined, minWidth = 6): number[] {
  const fitted = [...widths];
  if (!maxWidth) return fitted;
  const gaps = 2 * (widths.length - 1);
  let excess = fitted.reduce((a, b) => a + b, 0) + gaps - maxWidth;
  while (excess > 0) {
    const widest = fitted.indexOf(Math.max(...fitted));
    if (fitted[widest] <= minWidth) break;
    fitted[widest] -= 1;
    excess -= 1;
  }
  return fitted;
}

const cut = (text: string, width: number) => (text.length <= width ? text.padEnd(width) : `${text.slice(0, Math.max(0, width - 1))}…`);

/**
 * Renders items as a table; `maxWidth` is the terminal width (undefined: no limit, as in a pipe).
 *
 * @example
 * process.stdout.write(renderTable(users, userTableColumns(false), process.stdout.columns));
 */
export function renderTable<T>(items: T[], columns: Column<T>[], maxWidth?: number): string {
  const cells = items.map((item) => columns.map((c) => (c.value(item) ?? '').replace(/[\r\n\t]+/g, ' ')));
  const natural = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i].length)));
  const widths = fitWidths(natural, maxWidth);
  const line = (row: string[]) => row.map((cell, i) => (i === row.length - 1 && cell.length <= widths[i] ? cell : cut(cell, widths[i]))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/**
 * Renders one object as `key: value` lines (nested objects flattened with dots).
 *
 * @example
 * renderRecord({ id: '…', passwordProfile: { password: 'x' } }); // 'id: …\npasswordProfile.password: x\n'
 */
export function renderRecord(record: object): string {
  const lines: [string, string][] = [];
  const walk = (value: unknown, prefix: string) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      if (value.length) lines.push([prefix, value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')]);
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'links' || k === 'attributes') continue;
        walk(v, prefix ? `${prefix}.${k}` : k);
      }
    } else lines.push([prefix, String(value)]);
  };
  walk(record, '');
  const width = Math.max(0, ...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`).join('\n') + '\n';
}
