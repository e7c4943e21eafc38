/**
 * Consistency lag of a workspace (issue 12): how long a write stays invisible to reads. Partner
 * Center's directory is eventually consistent; a workspace can be told to behave so, the way
 * moto delays state transitions. Kept in the workspace row's `settings` JSON under `consistency`.
 */
import { addIsoDuration, DurationError, parseIsoDuration } from './iso-duration.js';
import { emulatorFaults } from './faults.js';

/** `{}` immediate (the default); `{after}` an ISO-8601 duration on the workspace clock; `{afterReads}` a number of reads. */
export interface ConsistencySettings {
  after?: string;
  afterReads?: number;
}

/** The most reads a change can stay hidden for: enough for any test, small enough to notice a mistake. */
export const maxAfterReads = 1000;

const maxAfterMs = 366 * 24 * 3600 * 1000;

/**
 * Checks a consistency setting and returns it in its stored form. Throws a 400 fault naming the
 * property when it is not usable.
 *
 * @example
 * parseConsistency({ after: 'PT30S' }); // { after: 'PT30S' }
 * parseConsistency({}); // {} (immediate)
 */
export function parseConsistency(input: ConsistencySettings): ConsistencySettings {
  if (input.after !== undefined && input.afterReads !== undefined) {
    throw emulatorFaults.invalidClockValue('after|afterReads', 'give one of after or afterReads, not both.');
  }
  if (input.after !== undefined) {
    let duration;
    try {
      duration = parseIsoDuration(input.after);
    } catch (e) {
      if (e instanceof DurationError) throw emulatorFaults.invalidClockValue('after', e.message);
      throw e;
    }
    if (duration.sign < 0) throw emulatorFaults.invalidClockValue('after', 'a lag cannot be negative.');
    // Longer than any test waits; keeps visibility instants within four-digit years.
    if (addIsoDuration(new Date(0), duration).getTime() > maxAfterMs) throw emulatorFaults.invalidClockValue('after', 'a lag cannot be longer than P1Y.');
    return { after: input.after.trim().toUpperCase() };
  }
  if (input.afterReads !== undefined) {
    if (!Number.isInteger(input.afterReads) || input.afterReads < 0 || input.afterReads > maxAfterReads) {
      throw emulatorFaults.invalidClockValue('afterReads', `must be a whole number from 0 to ${maxAfterReads}.`);
    }
    return { afterReads: input.afterReads };
  }
  return {};
}

/** True when writes are seen at once (no lag). */
export function isImmediate(c: ConsistencySettings): boolean {
  if (c.afterReads !== undefined) return c.afterReads === 0;
  return c.after === undefined || addIsoDuration(new Date(0), parseIsoDuration(c.after)).getTime() <= 0;
}

const parsed = new Map<string, ConsistencySettings>();

/**
 * The consistency setting of a workspace's `settings` JSON (immediate when absent or unreadable).
 * Memoized: it is read on every request of a workspace.
 *
 * @example
 * consistencyOf('{"consistency":{"after":"PT30S"}}'); // { after: 'PT30S' }
 */
export function consistencyOf(settingsJson: string): ConsistencySettings {
  if (settingsJson === '{}') return {};
  const hit = parsed.get(settingsJson);
  if (hit) return hit;
  let value: ConsistencySettings = {};
  try {
    const c = (JSON.parse(settingsJson) as { consistency?: ConsistencySettings }).consistency;
    if (c && typeof c === 'object') value = parseConsistency(c);
  } catch {
    value = {};
  }
  if (parsed.size >= 1000) parsed.clear();
  parsed.set(settingsJson, value);
  return value;
}

/**
 * The settings JSON with the consistency replaced (other settings kept).
 *
 * @example
 * withConsistency('{}', { afterReads: 3 }); // '{"consistency":{"afterReads":3}}'
 */
export function withConsistency(settingsJson: string, consistency: ConsistencySettings): string {
  let settings: Record<string, unknown> = {};
  try {
    const value = JSON.parse(settingsJson) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) settings = value as Record<string, unknown>;
  } catch {
    settings = {};
  }
  const next = { ...settings };
  if (isImmediate(consistency)) delete next.consistency;
  else next.consistency = consistency;
  return JSON.stringify(next);
}
