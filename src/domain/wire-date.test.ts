import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAuditQuery } from './audit-query.js';
import { parseWireDate } from './wire-date.js';

const iso = (text: string) => {
  const d = parseWireDate(text);
  return d && { at: new Date(d.ms).toISOString(), dateOnly: d.dateOnly };
};

describe('dates as the official SDKs send them', () => {
  it("reads the Java SDK's day-of-year dates: 2026-12-335 is 1 December 2026", () => {
    assert.deepEqual(iso('2026-12-335'), { at: '2026-12-01T00:00:00.000Z', dateOnly: true });
    assert.deepEqual(iso('2026-02-32'), { at: '2026-02-01T00:00:00.000Z', dateOnly: true });
    assert.deepEqual(iso('2026-03-90'), { at: '2026-03-31T00:00:00.000Z', dateOnly: true });
    assert.deepEqual(iso('2026-12-365'), { at: '2026-12-31T00:00:00.000Z', dateOnly: true });
    // Leap years shift every day after February by one.
    assert.deepEqual(iso('2028-12-336'), { at: '2028-12-01T00:00:00.000Z', dateOnly: true });
    assert.deepEqual(iso('2028-02-60'), { at: '2028-02-29T00:00:00.000Z', dateOnly: true });
    assert.deepEqual(iso('2028-12-366'), { at: '2028-12-31T00:00:00.000Z', dateOnly: true });
  });

  it('reads a January date the same way in both readings, and two-digit days up to 31 as ISO calendar dates', () => {
    // The Java SDK sends 15 January as 2026-01-15 (day 15 of the year): the ISO reading agrees.
    assert.deepEqual(iso('2026-01-15'), { at: '2026-01-15T00:00:00.000Z', dateOnly: true });
    assert.deepEqual(iso('2026-01-05'), { at: '2026-01-05T00:00:00.000Z', dateOnly: true });
    // From February on the Java SDK's day is above 31, so 2026-12-01 can only be ISO.
    assert.deepEqual(iso('2026-12-01'), { at: '2026-12-01T00:00:00.000Z', dateOnly: true });
    assert.deepEqual(iso('2026-11-24'), { at: '2026-11-24T00:00:00.000Z', dateOnly: true });
  });

  it('refuses a day of the year outside the month it names, and calendar days that do not exist', () => {
    for (const text of ['2026-12-334', '2026-11-335', '2026-02-60', '2026-12-366', '2026-13-45', '2026-00-10', '2026-02-29', '2026-04-31', '2026-06-00', '2026-12-0335'])
      assert.equal(parseWireDate(text), undefined, text);
  });

  it(".NET SDK's invariant-culture dates without a zone are UTC: 12/01/2026 16:51:09", () => {
    assert.deepEqual(iso('12/01/2026 16:51:09'), { at: '2026-12-01T16:51:09.000Z', dateOnly: false });
    assert.deepEqual(iso('1/5/2026 7:05:00'), { at: '2026-01-05T07:05:00.000Z', dateOnly: false });
    assert.deepEqual(iso('12/01/2026'), { at: '2026-12-01T00:00:00.000Z', dateOnly: true });
    // Month first, as the invariant culture writes it.
    assert.deepEqual(iso('02/03/2026 00:00:00'), { at: '2026-02-03T00:00:00.000Z', dateOnly: false });
    for (const text of ['13/01/2026 10:00:00', '12/32/2026 10:00:00', '12/01/2026 24:00:00', '12/01/26 10:00:00']) assert.equal(parseWireDate(text), undefined, text);
  });

  it('reads ISO date-times with a zone as given and without one as UTC', () => {
    assert.deepEqual(iso('2026-12-01T16:51:09'), { at: '2026-12-01T16:51:09.000Z', dateOnly: false });
    assert.deepEqual(iso('2026-12-01T16:51:09Z'), { at: '2026-12-01T16:51:09.000Z', dateOnly: false });
    assert.deepEqual(iso('2026-12-01T16:51:09.250-05:00'), { at: '2026-12-01T21:51:09.250Z', dateOnly: false });
    assert.deepEqual(iso('2026-12-01T16:51+0100'), { at: '2026-12-01T15:51:00.000Z', dateOnly: false });
    assert.deepEqual(iso('Tue, 01 Dec 2026 16:51:09 GMT'), { at: '2026-12-01T16:51:09.000Z', dateOnly: false });
  });

  it('refuses JavaScript-special and zone-less free text instead of reading it in the local zone', () => {
    for (const text of ['', 'NaN', 'Infinity', '-0', '1e400', 'null', 'undefined', 'true', 'constructor', 'Dec 1 2026', '2026', '1764607869000', 'x'.repeat(65), '\ud800'])
      assert.equal(parseWireDate(text), undefined, text);
  });

  it('takes both SDK forms as audit query bounds, a bare day covering the whole day', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    assert.deepEqual(parseAuditQuery({ startDate: '2026-12-335', endDate: '2026-12-335' }, now), { from: '2026-12-01T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z', filter: undefined });
    assert.deepEqual(parseAuditQuery({ startDate: '12/01/2026 16:51:09', endDate: '12/02/2026 08:00:00' }, now), { from: '2026-12-01T16:51:09.000Z', to: '2026-12-02T08:00:00.000Z', filter: undefined });
    assert.throws(() => parseAuditQuery({ startDate: '2026-12-334' }, now), { status: 400, description: /startDate is not a date/ });
  });
});
