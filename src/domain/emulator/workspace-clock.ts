/**
 * A workspace's clock as data: real time shifted by an offset, or frozen at an instant. Kept as
 * an offset (not an absolute time) so a running clock keeps ticking with real time between
 * requests, and every process that reads the same two numbers agrees on the time.
 */
import { addIsoDuration, DurationError, parseIsoDuration } from './iso-duration.js';

export interface WorkspaceClockState {
  /** Milliseconds added to real time while the clock runs. */
  offsetMs: number;
  /** When set, the clock stands still at this instant (ISO-8601). */
  frozenAt?: string;
}

/** A clock change from the control plane: exactly one of the three. */
export interface ClockChange {
  advance?: string;
  set?: string;
  freeze?: boolean;
}

export const realTime: WorkspaceClockState = { offsetMs: 0 };

/**
 * The workspace's time for a given real time.
 *
 * @example
 * workspaceNow({ offsetMs: 86_400_000 }, Date.now()); // tomorrow, this time
 */
export function workspaceNow(state: WorkspaceClockState, realMs: number): Date {
  return state.frozenAt !== undefined ? new Date(state.frozenAt) : new Date(realMs + state.offsetMs);
}

const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** Whether the date and time fields exist (JavaScript's Date would roll 31 February over into March). */
function isCalendarDate(text: string): boolean {
  const [y, mo, d, h, mi, se] = [0, 5, 8, 11, 14, 17].map((i) => Number(text.slice(i, i + (i === 0 ? 4 : 2))));
  return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate() && h <= 23 && mi <= 59 && se <= 59;
}

/**
 * Applies a change; throws `DurationError` with a sentence naming what is wrong.
 *
 * @example
 * applyClockChange(realTime, { advance: 'P30D' }, Date.now()); // { offsetMs: 2592000000 }
 * applyClockChange(state, { freeze: true }, Date.now());     // frozen at the workspace's now
 */
export function applyClockChange(state: WorkspaceClockState, change: ClockChange, realMs: number): WorkspaceClockState {
  const given = (['advance', 'set', 'freeze'] as const).filter((k) => change[k] !== undefined);
  if (given.length !== 1) throw new DurationError('Give exactly one of advance (an ISO-8601 duration), set (a UTC instant) or freeze (true or false).');
  const now = workspaceNow(state, realMs);
  let target: Date;
  if (change.advance !== undefined) {
    const duration = parseIsoDuration(change.advance);
    target = addIsoDuration(now, duration);
  } else if (change.set !== undefined) {
    if (!instantPattern.test(change.set) || !isCalendarDate(change.set)) {
      throw new DurationError(`set: "${change.set.slice(0, 64)}" is not an ISO-8601 instant with a zone, such as 2027-01-01T00:00:00Z.`);
    }
    target = new Date(change.set);
  } else {
    return change.freeze ? { offsetMs: 0, frozenAt: now.toISOString() } : { offsetMs: now.getTime() - realMs };
  }
  if (Number.isNaN(target.getTime()) || target.getUTCFullYear() < 1970 || target.getUTCFullYear() > 9999) {
    throw new DurationError(`The clock would read ${Number.isNaN(target.getTime()) ? 'an invalid date' : target.toISOString()}; it must stay between 1970 and 9999.`);
  }
  return state.frozenAt !== undefined ? { offsetMs: 0, frozenAt: target.toISOString() } : { offsetMs: target.getTime() - realMs };
}
