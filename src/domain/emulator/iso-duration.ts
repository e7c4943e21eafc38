/**
 * ISO-8601 durations (`P30D`, `PT1H30M`, `P1M`, `-P1D`) for the emulator's clock and token
 * lifetimes. Days and larger units are calendar units in UTC: `P1M` from 31 January lands on
 * the last day of February, as a partner engineer reading "one month later" expects.
 */

/** The parts of a duration; `sign` is -1 for a leading minus. */
export interface IsoDuration {
  sign: 1 | -1;
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const pattern = /^([+-])?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d{1,9})?)S)?)?$/;

/** Thrown with a sentence that names what is wrong, for a 400 ApiFault. */
export class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurationError';
  }
}

/**
 * Parses an ISO-8601 duration.
 *
 * @example
 * parseIsoDuration('P30D'); // { sign: 1, days: 30, … }
 * parseIsoDuration('PT61S').seconds; // 61
 */
export function parseIsoDuration(text: string): IsoDuration {
  const value = text.trim().toUpperCase();
  const m = value.length <= 64 ? pattern.exec(value) : null;
  if (!m || value.endsWith('P') || value.endsWith('T')) {
    throw new DurationError(`"${text.slice(0, 64)}" is not an ISO-8601 duration such as P30D, PT1H or P1Y2M3DT4H5M6S.`);
  }
  const n = (i: number) => (m[i] ? Number(m[i].replace(',', '.')) : 0);
  const d: IsoDuration = { sign: m[1] === '-' ? -1 : 1, years: n(2), months: n(3), weeks: n(4), days: n(5), hours: n(6), minutes: n(7), seconds: n(8) };
  // Ten thousand years is beyond any test's horizon and keeps Date arithmetic exact.
  if (d.years + d.months / 12 + (d.weeks * 7 + d.days) / 366 + (d.hours + d.minutes / 60 + d.seconds / 3600) / 8784 > 10_000) {
    throw new DurationError(`"${text.slice(0, 64)}" is longer than 10000 years.`);
  }
  return d;
}

/**
 * The instant `duration` after `from` (before it, for a negative duration).
 *
 * @example
 * addIsoDuration(new Date('2026-01-31T00:00:00Z'), parseIsoDuration('P1M')).toISOString(); // '2026-02-28T00:00:00.000Z'
 */
export function addIsoDuration(from: Date, duration: IsoDuration): Date {
  const s = duration.sign;
  const t = new Date(from.getTime());
  if (duration.years || duration.months) {
    const day = t.getUTCDate();
    t.setUTCDate(1);
    t.setUTCMonth(t.getUTCMonth() + s * (duration.years * 12 + duration.months));
    // Clamp to the month's last day: 31 January + 1 month is 28 (or 29) February, not 3 March.
    const lastDay = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
    t.setUTCDate(Math.min(day, lastDay));
  }
  const ms = ((duration.weeks * 7 + duration.days) * 86_400 + duration.hours * 3600 + duration.minutes * 60 + duration.seconds) * 1000;
  return new Date(t.getTime() + s * Math.round(ms));
}
