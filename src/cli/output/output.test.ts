import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { startProgress } from './progress.js';
import { fitWidths, renderRecord, renderTable } from './table.js';
import { listWriter } from './writer.js';

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
