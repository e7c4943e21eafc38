/**
 * A request's logger that becomes a real pino child only when it first writes a line.
 *
 * Fastify gives every request a child logger with the request id bound, and the correlation-id
 * hook a grandchild. At the usual levels most requests write nothing, yet a pino child costs a new
 * prototype and its bindings serialized to JSON: ~10 µs for the two (bench/NOTES.md). This logger
 * keeps the bindings and makes the child on the first line that its level lets through, so a line
 * carries the same fields as before.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString } from 'pino';

/** What the lazy logger needs of its parent: a pino logger, or another lazy one. */
type ParentLogger = Pick<FastifyBaseLogger, 'child' | 'level'> & { isLevelEnabled(level: string): boolean };

export class LazyChildLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: ParentLogger,
    private readonly bindings: Bindings,
  ) {}

  /** The real child, made on first use. */
  get #logger(): FastifyBaseLogger {
    const parent = this.parent instanceof LazyChildLogger ? this.parent.#logger : this.parent;
    return (this.#child ??= parent.child(this.bindings));
  }

  get level(): LevelWithSilentOrString {
    return this.#child?.level ?? this.parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.#logger.level = level;
  }

  isLevelEnabled(level: string): boolean {
    return this.#child ? (this.#child as unknown as ParentLogger).isLevelEnabled(level) : this.parent.isLevelEnabled(level);
  }

  /** A child of this logger is lazy too: the correlation-id hook makes one on most requests. */
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    if (options && Object.keys(options).length > 0) return this.#logger.child(bindings, options);
    return new LazyChildLogger(this, bindings) as unknown as FastifyBaseLogger;
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#write('error', args);
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }
  info(...args: unknown[]): void {
    this.#write('info', args);
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }
  silent(): void {}

  #write(level: Level, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    (this.#logger[level] as (...a: unknown[]) => void)(...args);
  }
}

/**
 * Fastify's `childLoggerFactory`: a lazy child, or a real one when a route sets its own level.
 *
 * @example
 * Fastify({ logger: { level: 'info' }, childLoggerFactory: lazyChildLoggerFactory });
 */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (options.level) return logger.child(bindings, options);
  return new LazyChildLogger(logger as unknown as ParentLogger, bindings) as unknown as FastifyBaseLogger;
}
