/**
 * Failpoints for crash tests: `TENANTRY_FAILPOINT=after-write-before-commit` makes the process
 * SIGKILL itself inside the first write transaction that carries a receipt, after every statement
 * ran and before COMMIT, so a test can show that a crash there keeps none of it;
 * `after-commit` right after that transaction committed, before the answer is sent, so a test can
 * show that the write, its audit record and its stored answer are all there;
 * `after-load-commit` when a PostgreSQL bulk load has committed and not yet built the indexes it
 * dropped, so a test can show that the next start builds them. Read once at start;
 * unset (always, outside tests) it costs one comparison.
 */
export type FailpointName = 'after-write-before-commit' | 'after-commit' | 'after-load-commit';

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
