/**
 * ISO-8601 durations and the workspace clock math (issue 11): pure functions, no I/O.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addIsoDuration, DurationError, parseIsoDuration } from './iso-duration.js';
import { applyClockChange, realTime, workspaceNow } from './workspace-clock.js';

const at = (iso: string) => new Date(iso);

describe('ISO-8601 durations', () => {
  it('parses days, times, weeks, fractions and a sign', () => {
    assert.deepEqual(parseIsoDuration('P30D'), { sign: 1, years: 0, months: 0, weeks: 0, days: 30, hours: 0, minutes: 0, seconds: 0 });
    assert.equal(parseIsoDuration('PT61S').seconds, 61);
    assert.equal(parseIsoDuration('pt1.5s').seconds, 1.5);
    assert.equal(parseIsoDuration('P2W').weeks, 2);
    assert.equal(parseIsoDuration('-P1D').sign, -1);
    assert.equal(parseIsoDuration('P1Y2M3DT4H5M6S').minutes, 5);
  });

  it('refuses what is not a duration, with a sentence naming the value', () => {
    for (const bad of ['', 'P', 'PT', '30D', 'P1H', 'thirty days', 'P1DT', 'P-1D', 'P1.5D', 'x'.repeat(100)]) {
      assert.throws(() => parseIsoDuration(bad), (e: unknown) => e instanceof DurationError && /ISO-8601 duration/.test(e.message), bad);
    }
    assert.throws(() => parseIsoDuration('P20000Y'), /longer than 10000 years/);
  });

  it('adds months on the calendar, clamping to the end of a shorter month', () => {
    assert.equal(addIsoDuration(at('2026-01-31T10:00:00Z'), parseIsoDuration('P1M')).toISOString(), '2026-02-28T10:00:00.000Z');
    assert.equal(addIsoDuration(at('2028-01-31T00:00:00Z'), parseIsoDuration('P1M')).toISOString(), '2028-02-29T00:00:00.000Z');
    assert.equal(addIsoDuration(at('2026-03-31T00:00:00Z'), parseIsoDuration('-P1M')).toISOString(), '2026-02-28T00:00:00.000Z');
    assert.equal(addIsoDuration(at('2026-01-01T00:00:00Z'), parseIsoDuration('P1Y')).toISOString(), '2027-01-01T00:00:00.000Z');
    assert.equal(addIsoDuration(at('2026-01-01T00:00:00Z'), parseIsoDuration('P30DT1H')).toISOString(), '2026-01-31T01:00:00.000Z');
  });
});

describe('workspace clock', () => {
  const real = Date.parse('2026-12-01T00:00:00Z');

  it('runs with real time plus its offset, or stands still when frozen', () => {
    assert.equal(workspaceNow(realTime, real).toISOString(), '2026-12-01T00:00:00.000Z');
    assert.equal(workspaceNow({ offsetMs: 1000 }, real + 500).toISOString(), '2026-12-01T00:00:01.500Z');
    assert.equal(workspaceNow({ offsetMs: 0, frozenAt: '2027-01-01T00:00:00.000Z' }, real + 99_999).toISOString(), '2027-01-01T00:00:00.000Z');
  });

  it('advances, sets, freezes and unfreezes, keeping the time where it stood', () => {
    const advanced = applyClockChange(realTime, { advance: 'P30D' }, real);
    assert.equal(workspaceNow(advanced, real).toISOString(), '2026-12-31T00:00:00.000Z');
    const frozen = applyClockChange(advanced, { freeze: true }, real + 5000);
    assert.equal(frozen.frozenAt, '2026-12-31T00:00:05.000Z');
    const moved = applyClockChange(frozen, { advance: 'PT61S' }, real + 9000);
    assert.equal(moved.frozenAt, '2026-12-31T00:01:06.000Z');
    const running = applyClockChange(moved, { freeze: false }, real + 20_000);
    assert.equal(running.frozenAt, undefined);
    assert.equal(workspaceNow(running, real + 21_000).toISOString(), '2026-12-31T00:01:07.000Z');
    const set = applyClockChange(running, { set: '2027-06-01T12:00:00+02:00' }, real);
    assert.equal(workspaceNow(set, real).toISOString(), '2027-06-01T10:00:00.000Z');
  });

  it('refuses no change, two changes, instants without a zone and dates outside 1970–9999', () => {
    assert.throws(() => applyClockChange(realTime, {}, real), DurationError);
    assert.throws(() => applyClockChange(realTime, { advance: 'P1D', freeze: true }, real), DurationError);
    assert.throws(() => applyClockChange(realTime, { set: '2027-01-01T00:00:00' }, real), /with a zone/);
    assert.throws(() => applyClockChange(realTime, { set: '2027-02-31T00:00:00Z' }, real), DurationError);
    assert.throws(() => applyClockChange(realTime, { advance: '-P100Y' }, real), /between 1970 and 9999/);
  });
});
