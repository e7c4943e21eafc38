/**
 * A GUID in its canonical form: lower-case hex in 8-4-4-4-12 groups, no braces. Ids are
 * lower-cased before they are checked, so this is the one shape stored and compared.
 *
 * @example
 * guidPattern.test('0c39d6d5-c70d-4c55-bc02-f620844f3fd1'); // true
 */
export const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
