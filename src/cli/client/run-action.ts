/**
 * Runs a client command: prints faults as `code: description` on stderr and exits non-zero,
 * and treats a closed stdout (`| head`) as a normal end.
 */
import { PartnerError } from '@tenantry/sdk';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** Exit codes: 1 for a fault from the service or the network, 2 for bad input, 130 for an interruption. */
export const exitCodes = { fault: 1, usage: 2, interrupted: 130 } as const;

/**
 * Formats an error for stderr.
 *
 * @example
 * describeError(new PartnerError({ status: 404, code: 60002, description: 'User object Id is not found' }));
 * // 'error 60002: User object Id is not found (HTTP 404, notFound)'
 */
export function describeError(err: unknown): string {
  if (err instanceof PartnerError) {
    if (err.status === 0) return `error: ${err.description}`;
    const code = err.code !== undefined ? ` ${err.code}` : '';
    const data = err.data.length ? ` [${err.data.map((d) => (typeof d === 'string' ? d : JSON.stringify(d))).join(', ')}]` : '';
    return `error${code}: ${err.description}${data} (HTTP ${err.status}, ${err.category})`;
  }
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

let stdoutGuarded = false;

/**
 * Wraps a command action with the CLI's error handling.
 *
 * @example
 * command.action(runAction(async (opts) => { … }));
 */
export function runAction<A extends unknown[]>(action: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    if (!stdoutGuarded) {
      stdoutGuarded = true;
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
    }
    try {
      const code = await action(...args);
      process.exitCode = code ?? 0;
    } catch (err) {
      process.stderr.write(`${describeError(err)}\n`);
      process.exitCode = err instanceof UsageError ? exitCodes.usage : (err as Error)?.name === 'AbortError' ? exitCodes.interrupted : exitCodes.fault;
    }
  };
}
