/**
 * Partner Center's `filter` query parameter: a URL-encoded JSON SimpleFieldFilter
 * (`{"Field","Value","Operator"}`) or CompoundFieldFilter (`{"LeftFilter","RightFilter","Operator"}`),
 * property names in any case. Each collection decides which fields and operators it supports.
 */
import { faults } from './fault.js';

export interface SimpleFieldFilter {
  /** Lower-cased field name. */
  field: string;
  /** Lower-cased operator, e.g. `equals`, `starts_with`. */
  operator: string;
  value: unknown;
}

/** The object's own properties under lower-cased names, in an object without a prototype (so `o.field` is never an inherited member). */
function lowerKeys(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) out[k.toLowerCase()] = v;
  return out;
}

function flatten(node: unknown, depth: number): SimpleFieldFilter[] {
  const o = lowerKeys(node);
  if (!o || depth > 4) throw faults.invalidInput('filter must be a field filter object', ['filter']);
  const operator = String(o.operator ?? '').toLowerCase();
  if (Object.hasOwn(o, 'leftfilter') || Object.hasOwn(o, 'rightfilter')) {
    if (operator !== 'and') throw faults.invalidInput('Only the and operator combines filters', ['filter']);
    return [...flatten(o.leftfilter, depth + 1), ...flatten(o.rightfilter, depth + 1)];
  }
  return [{ field: String(o.field ?? '').toLowerCase(), operator, value: o.value }];
}

/**
 * Parses a filter into its simple parts (an `and` compound yields several); throws a 400 fault
 * for text that is not JSON or not a filter.
 *
 * @example
 * parseFieldFilters('{"Field":"UserState","Value":"Inactive","Operator":"equals"}');
 * // [{ field: 'userstate', operator: 'equals', value: 'Inactive' }]
 */
export function parseFieldFilters(filter: string): SimpleFieldFilter[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(filter);
  } catch {
    throw faults.invalidInput('filter must be JSON', ['filter']);
  }
  return flatten(parsed, 0);
}

/** Parses a filter that must be one simple filter (no compound). */
export function parseSingleFieldFilter(filter: string, usage: string): SimpleFieldFilter {
  const parts = parseFieldFilters(filter);
  if (parts.length !== 1) throw faults.invalidInput(usage, ['filter']);
  return parts[0];
}
