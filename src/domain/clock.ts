/**
 * Where time comes from. Everything time-based (tokens, throttling windows, restore windows,
 * idempotency retention, audit times) reads one injected clock, so the emulator can give each
 * workspace its own time without the product asking whether it runs in an emulator.
 *
 * @example
 * const clock: Clock = systemClock;
 * const expiresAt = new Date(clock.now().getTime() + 3600_000);
 */
export interface Clock {
  now(): Date;
}

/** Real time: the production clock. */
export const systemClock: Clock = { now: () => new Date() };
