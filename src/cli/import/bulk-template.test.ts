import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBulkTemplate } from './bulk-template.js';
import { rowRequestId } from './request-id.js';

const domains = ['contoso.onmicrosoft.com', 'contoso.com'];

describe('the bulk-upload template reader', () => {
  test("reads Partner Center's template with a BOM, CRLF line ends and an empty Status update column", () => {
    const csv = '\uFEFFFirst name,Last name,Display name,User name,Status update\r\nAda,Lovelace,Ada Lovelace,ada@contoso.onmicrosoft.com,\r\n,,Grace,grace@CONTOSO.com,\r\n';
    const { rows, problems } = parseBulkTemplate(csv, { domains, usageLocation: 'gb' });
    assert.deepEqual(problems, []);
    assert.deepEqual(rows, [
      { line: 2, userPrincipalName: 'ada@contoso.onmicrosoft.com', displayName: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace', usageLocation: 'GB' },
      { line: 3, userPrincipalName: 'grace@CONTOSO.com', displayName: 'Grace', firstName: undefined, lastName: undefined, usageLocation: 'GB' },
    ]);
  });

  test('accepts the Email header, API column names and a per-row usage location, and ignores extra columns', () => {
    const template = parseBulkTemplate('Display name,Email,Department\nAda,ada@contoso.com,R&D\n', { domains });
    assert.equal(template.rows[0].userPrincipalName, 'ada@contoso.com');
    const exported = parseBulkTemplate('id,userPrincipalName,displayName,firstName,lastName,usageLocation,state\n1,ada@contoso.com,Ada,A,L,fr,active\n', { domains, usageLocation: 'US' });
    assert.deepEqual(exported.rows[0], { line: 2, userPrincipalName: 'ada@contoso.com', displayName: 'Ada', firstName: 'A', lastName: 'L', usageLocation: 'FR' });
  });

  test('reports every bad row with its line number, counting lines inside quoted fields', () => {
    const csv = [
      'First name,Last name,Display name,User name',
      'A,B,"Multi',
      'line",ok@contoso.com',
      'C,D,,missing.display@contoso.com',
      'E,F,Elsewhere,e@fabrikam.com',
      'G,H,Dup,ok@CONTOSO.com',
      `I,${'x'.repeat(65)},Long,long@contoso.com`,
      'J,K,No name,',
    ].join('\n');
    const { rows, problems } = parseBulkTemplate(csv, { domains });
    assert.deepEqual(rows.map((r) => r.line), [3]);
    assert.deepEqual(problems.map((p) => p.line), [4, 5, 6, 7, 8]);
    assert.match(problems[0].message, /Display name is required/);
    assert.match(problems[1].message, /customer's domains/);
    assert.match(problems[2].message, /repeats the user name of line 3/);
    assert.match(problems[3].message, /lastName is longer than 64/);
    assert.match(problems[4].message, /Email \(user name\) is required/);
  });

  test('a header without the user name or display name column is one problem on line 1', () => {
    const { rows, problems } = parseBulkTemplate('First name,Last name\nA,B\n', { domains });
    assert.deepEqual(rows, []);
    assert.deepEqual(problems, [{ line: 1, message: 'the header lacks the Email (or User name) and Display name column' }]);
  });

  test('an invalid --usage-location is reported once, not per row', () => {
    const { problems } = parseBulkTemplate('Display name,User name\nA,a@contoso.com\n', { domains, usageLocation: 'XX' });
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /^--usage-location:/);
  });

  test('an empty file is a problem, not a silent success', () => {
    assert.deepEqual(parseBulkTemplate('', { domains }).problems, [{ line: 1, message: 'the file is empty' }]);
  });
});

describe('the per-row MS-RequestId', () => {
  test('is the same for the same customer and row, and differs when either changes', () => {
    const body = { userPrincipalName: 'ada@contoso.com', displayName: 'Ada' };
    const id = rowRequestId('C1', body);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(rowRequestId('c1', { ...body }), id);
    assert.notEqual(rowRequestId('C2', body), id);
    assert.notEqual(rowRequestId('C1', { ...body, displayName: 'Ada L' }), id);
  });
});
