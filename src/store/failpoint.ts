/**
 * Failpoints for crash tests: `TENANTRY_FAILPOINT=after-write-before-commit` makes the process
 * SIGKILL itself inside the first write transaction that carries a receipt, after every statement
 * ran and before COMMIT, so a test can show that a crash there keeps none of it. Read once at
 * start; unset (always, outside tests) it costs one comparison.
 */
export type FailpointName = 'after-write-before-commit';

const armed = process.env.TENANTRY_FAILPOINT;

/**
 * Dies on the spot when the named failpoint is armed.
 *
 * @example
 * failpoint('after-write-before-commit'); // last statement inside the transaction
 */
export function failpoint(name: FailpointName): void {
  if (armed === name) process.kill(process.pid, 'SIGKILL');
}
