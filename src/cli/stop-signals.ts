/**
 * SIGTERM and SIGINT taken from the start of a server process, not only once it listens. Without
 * a listener a signal's default ends the process on the spot, and a cluster worker can be given
 * connections before `listen` returns: the primary hands them over as soon as it has added the
 * worker. A worker stopped in that moment (a whole cluster stopping while a replacement starts)
 * reset them, and their clients saw ECONNRESET for requests they had sent. Here a stop that
 * arrives early waits for the server to say how it stops, and then stops it that way.
 */

export interface HeldStop {
  /** Whether SIGTERM or SIGINT has arrived. */
  readonly requested: boolean;
  /** How to stop: runs now if a stop has arrived already, else on the first one. */
  handleWith(stop: () => void): void;
}

const stopSignals = ['SIGTERM', 'SIGINT'] as const;

/**
 * Takes SIGTERM and SIGINT from now on, each once. The first signal stops; the other kind arriving
 * after it changes nothing (a cluster worker gets SIGINT from the terminal's Ctrl-C and SIGTERM from
 * its primary), while the same kind again ends the process as it would by default (Ctrl-C twice
 * cuts a stuck stop short).
 *
 * @example
 * const stop = holdStopSignals();
 * const app = await buildApp(store);
 * if (stop.requested) process.exit(0); // nothing listens yet: nothing to finish
 * await app.listen({ port: 8080 });
 * stop.handleWith(() => void drainAndExit());
 */
export function holdStopSignals(): HeldStop {
  let requested = false;
  let handler: (() => void) | undefined;
  const onSignal = () => {
    if (requested) return;
    requested = true;
    handler?.();
  };
  for (const signal of stopSignals) process.once(signal, onSignal);
  return {
    get requested() {
      return requested;
    },
    handleWith(stop) {
      handler = stop;
      if (requested) stop();
    },
  };
}
