/**
 * The date forms the official SDKs put in query parameters (`startDate`/`endDate` of the audit
 * records), each read the way its SDK means it and always in UTC, whatever the server's time
 * zone: `Date.parse` reads a zone-less date-time in the process's local zone, so it is only used
 * here for text that names its zone.
 *
 * - ISO 8601 calendar date `2026-12-01`, and date-time `2026-12-01T16:51:09`, `…Z`, `…+01:00`
 *   (no zone means UTC).
 * - Java SDK 1.15.4: Joda-Time pattern `YYYY-MM-DD`, where `Y` is the year and `D` the day of the
 *   *year* (at least 2 digits): 1 December 2026 is `2026-12-335`. From February on the day of the
 *   year is above 31, so it cannot be mistaken for a day of the month; in January both readings
 *   are the same day (`2026-01-15` is 15 January either way). The month must agree with the day.
 * - .NET SDK: `DateTime.ToString()` in the invariant culture, `MM/dd/yyyy HH:mm:ss` without a
 *   zone (`12/01/2026 16:51:09`), month first; read as UTC. The date alone (`12/01/2026`) is a day.
 * - Anything else that names its zone (`Tue, 01 Dec 2026 16:51:09 GMT`).
 */

export interface WireDate {
  /** Milliseconds since the epoch, UTC. */
  ms: number;
  /** A day without a time: as a range bound it covers the whole day. */
  dateOnly: boolean;
}

const isoDay = /^(\d{4})-(\d{2})-(\d{2,3})$/;
const isoDateTime = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const dotNet = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,7})?)?)?$/;
const namesItsZone = /(?:Z|GMT|UTC|[+-]\d{2}:?\d{2})$/i;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (y: number, month: number) => monthLengths[month - 1] + (month === 2 && isLeap(y) ? 1 : 0);
/** The day of the year of a month's first day (1 January is 1). */
function firstDayOfYear(y: number, month: number): number {
  let day = 1;
  for (let m = 1; m < month; m++) day += daysIn(y, m);
  return day;
}

/** Date.UTC of a calendar day and time, or undefined when a field is out of range (no rolling over, 30 February is not 2 March). */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  if (d > daysIn(y, mo)) return undefined;
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, ms);
  return t.getTime();
}

const fraction = (text: string | undefined) => (text ? Math.floor(Number(`0${text}`) * 1000) : 0);

/**
 * Reads a date as the official SDKs send it; undefined for anything else.
 *
 * @example
 * parseWireDate('2026-12-335');          // { ms: Date.UTC(2026, 11, 1), dateOnly: true }  (Java SDK)
 * parseWireDate('12/01/2026 16:51:09');  // { ms: Date.UTC(2026, 11, 1, 16, 51, 9), dateOnly: false }  (.NET SDK)
 * parseWireDate('2026-12-01');           // { ms: Date.UTC(2026, 11, 1), dateOnly: true }
 */
export function parseWireDate(text: string): WireDate | undefined {
  if (text.length > 64) return undefined;
  const value = text.trim();
  let m = isoDay.exec(value);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (mo < 1 || mo > 12) return undefined;
    // Up to 31 it is the day of the month (in January also the Java SDK's day of the year);
    // beyond, only the Java SDK's day of the year, which must fall in the month it names.
    if (d <= 31 && m[3].length === 2) {
      const ms = utc(y, mo, d);
      return ms === undefined ? undefined : { ms, dateOnly: true };
    }
    const dayOfMonth = d - firstDayOfYear(y, mo) + 1;
    if (dayOfMonth < 1 || dayOfMonth > daysIn(y, mo)) return undefined;
    const ms = utc(y, mo, dayOfMonth);
    return ms === undefined ? undefined : { ms, dateOnly: true };
  }
  m = isoDateTime.exec(value);
  if (m) {
    const local = utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), fraction(m[7]));
    if (local === undefined) return undefined;
    const zone = m[8]?.toUpperCase();
    if (!zone || zone === 'Z') return { ms: local, dateOnly: false };
    const [, sign, hh, mm] = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    if (Number(hh) > 23 || Number(mm) > 59) return undefined;
    const offset = (Number(hh) * 60 + Number(mm)) * 60_000 * (sign === '-' ? -1 : 1);
    return { ms: local - offset, dateOnly: false };
  }
  m = dotNet.exec(value);
  if (m) {
    const ms = utc(Number(m[3]), Number(m[1]), Number(m[2]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), fraction(m[7]));
    return ms === undefined ? undefined : { ms, dateOnly: m[4] === undefined };
  }
  if (namesItsZone.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return { ms, dateOnly: false };
  }
  return undefined;
}
