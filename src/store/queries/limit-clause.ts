/**
 * `LIMIT n` with the row count written into the SQL. SQLite re-plans a statement on every
 * execution whose LIMIT is a bound parameter (its planner reads the value), which cost more than
 * reading a page; a validated integer in the text keeps the statement prepared once.
 *
 * @example
 * limitClause(101); // 'LIMIT 101'
 */
export function limitClause(rows: number): string {
  if (!Number.isInteger(rows) || rows < 1 || rows > 10_000) throw new Error(`row limit ${rows} is not a whole number from 1 to 10,000`);
  return `LIMIT ${rows}`;
}
