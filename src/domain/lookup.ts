/**
 * Looking up a string that came from outside (a request, a file, a flag) in a constant table.
 * `table[key]` on a plain object also finds `Object.prototype`'s members: `constructor`,
 * `toString`, `__proto__`… would come back as functions or objects where a table value was
 * expected. Only the table's own properties count here.
 */

/**
 * The table's own value for the key, or undefined.
 *
 * @example
 * lookup({ displayname: 'displayName' }, 'displayname'); // 'displayName'
 * lookup({ displayname: 'displayName' }, 'constructor'); // undefined
 */
export function lookup<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
