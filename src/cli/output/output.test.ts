import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { csvRecord } from './csv.js';
import { startProgress } from './progress.js';
import { fitWidths, renderRecord, renderTable } from './table.js';
import { type ListWriter, listWriter, type OutputFormat } from './writer.js';

const columns = [
  { header: 'NAME', value: (r: { name: string; id: string }) => r.name },
  { header: 'ID', value: (r: { name: string; id: string }) => r.id },
];

describe('CLI output', () => {
  test('a table fits the terminal by shrinking the widest column and ending cut cells with an ellipsis', () => {
    assert.deepEqual(fitWidths([10, 40], 30), [10, 18]);
    const text = renderTable([{ name: 'A very long display name indeed', id: 'abc' }], columns, 20);
    const lines = text.trimEnd().split('\n');
    assert.ok(lines.every((l) => l.length <= 20), text);
    assert.match(lines[1], /…/);
    assert.equal(renderTable([{ name: 'A very long display name indeed', id: 'abc' }], columns), 'NAME                             ID\nA very long display name indeed  abc\n');
  });

  test('a record prints as key: value lines, nested keys with dots, without links and attributes', () => {
    assert.equal(renderRecord({ id: '1', passwordProfile: { password: 'p' }, links: { self: {} }, attributes: { objectType: 'X' } }), 'id:                       1\npasswordProfile.password: p\n');
  });

  test('json output is a valid array, also when empty; csv writes a header even for no rows', async () => {
    for (const [items, expected] of [[[], []], [[{ name: 'a', id: '1' }], [{ name: 'a', id: '1' }]]] as const) {
      const out = new PassThrough();
      let text = '';
      out.on('data', (d) => (text += d));
      const w = listWriter({ format: 'json', out, tableColumns: columns, csvColumns: columns });
      for (const item of items) await w.write(item);
      await w.end();
      assert.deepEqual(JSON.parse(text), expected);
    }
    const out = new PassThrough();
    let csv = '';
    out.on('data', (d) => (csv += d));
    const w = listWriter({ format: 'csv', out, tableColumns: columns, csvColumns: columns });
    await w.end();
    assert.equal(csv, 'NAME,ID\n');
  });

  test('csv records are what csv-stringify writes: quoted only for comma, quote, CR or LF, quotes doubled, formulas neutralized', () => {
    const tricky = ['', 'plain', 'a,b', 'say "hi"', '"', 'line\nbreak', 'cr\rhere', 'crlf\r\n', ' spaced ', "it's", '=1+2', 'tab\there', 'émile ünïcode 日本', ';', '""', ',', '\n', '@x', '-1', '+"a,b"', "'=x", '\tlead', '\rlead', "'"];
    // csv-stringify itself, told to write a formula as quoted text with a leading apostrophe (OWASP).
    const neutralizing = { cast: { string: (v: string) => (/^'*[=+\-@\t\r]/.test(v) ? { value: `'${v}`, quoted: true } : v) } };
    assert.equal(csvRecord(['a', 'b,c', 'say "hi"', undefined, null, '']), 'a,"b,c","say ""hi""",,,\n');
    assert.equal(csvRecord(['=1+2', '@SUM(1)', "'=x", 'a=b']), `"'=1+2","'@SUM(1)","''=x",a=b\n`);
    for (const a of tricky) for (const b of tricky) assert.equal(csvRecord([a, b, a]), stringify([[a, b, a]], neutralizing), JSON.stringify([a, b]));
    // Values that are not strings keep csv-stringify's casts.
    for (const odd of [[1, 'x'], [true, false], [{ a: 1 }, 'y'], [new Date(0), 'z'], [10n, ''], [-1, '=x']]) assert.equal(csvRecord(odd), stringify([odd], neutralizing));
    const record = ['a,"b"', 'c\r\nd', '', 'e'];
    assert.deepEqual(parse(csvRecord(record)), [record], 'reads back the same fields');
  });

  test('writeAll writes in one chunk exactly what write writes item by item, in every format', async () => {
    type Row = { name: string; id: string };
    const rows: Row[] = [{ name: 'Ada, "the first"', id: '1' }, { name: 'Line\nbreak', id: '2' }, { name: 'plain', id: '3' }];
    const capture = async (format: OutputFormat, run: (w: ListWriter<Row>) => Promise<void>) => {
      const out = new PassThrough();
      const chunks: string[] = [];
      out.on('data', (d) => chunks.push(String(d)));
      await run(listWriter<Row>({ format, out, tableColumns: columns, csvColumns: columns }));
      return chunks;
    };
    for (const format of ['csv', 'jsonl', 'json', 'table'] as const) {
      const oneByOne = await capture(format, async (w) => {
        for (const r of rows) await w.write(r);
        await w.end();
      });
      const paged = await capture(format, async (w) => {
        await w.writeAll(rows.slice(0, 2));
        await w.writeAll([]);
        await w.writeAll(rows.slice(2));
        await w.end();
      });
      assert.equal(paged.join(''), oneByOne.join(''), format);
      if (format !== 'table') assert.ok(paged.length <= 3, `${format}: one write per page`);
    }
    assert.equal((await capture('csv', async (w) => w.writeAll(rows))).join(''), 'NAME,ID\n"Ada, ""the first""",1\n"Line\nbreak",2\nplain,3\n');
  });

  test('the progress bar draws rate and ETA on a terminal and nothing elsewhere', async () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 100, cursorTo() {}, clearLine() {}, moveCursor() {} }) as unknown as NodeJS.WriteStream;
    let drawn = '';
    (tty as unknown as PassThrough).on('data', (d) => (drawn += d));
    const bar = startProgress('importing', 10, tty);
    for (let i = 0; i < 10; i++) bar.increment();
    bar.stop();
    assert.match(drawn, /importing \[.*\] 10\/10 \| [\d.]+\/s \| ETA \d+s/);

    const pipe = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    let quiet = '';
    (pipe as unknown as PassThrough).on('data', (d) => (quiet += d));
    const none = startProgress('importing', 10, pipe);
    none.increment();
    none.stop();
    assert.equal(quiet, '');
  });
});
