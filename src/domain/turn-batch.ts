/**
 * Callbacks run together, once per turn of the event loop: those deferred during a turn run one
 * after another in its check phase (`setImmediate`), after every I/O callback of the turn.
 *
 * The request path uses it so that the requests read in one turn go through the server stage by
 * stage, each stage for all of them, instead of each request running to its response before the
 * next socket is read (see server/plugins/turn-batching.ts).
 *
 * No async context is restored per callback: `AsyncResource.bind` cost ~6 µs a call, a twentieth
 * of a users page. A callback runs in the context of the code that deferred the turn's first one;
 * the request path defers before anything enters a context, and what enters one later (the
 * emulator's workspace) does so with `AsyncLocalStorage.run` around its own continuation.
 *
 * @example
 * const turn = new TurnBatch();
 * turn.defer(() => console.log('second'));
 * console.log('first');
 */
export class TurnBatch {
  private waiting: (() => void)[] = [];

  /** Runs `callback` in this turn's check phase, after the callbacks deferred before it. */
  defer(callback: () => void): void {
    if (this.waiting.length === 0) setImmediate(this.run);
    this.waiting.push(callback);
  }

  private readonly run = (): void => {
    const batch = this.waiting;
    this.waiting = [];
    let i = 0;
    try {
      for (; i < batch.length; i++) batch[i]();
    } finally {
      // A callback that throws fails as it would have alone (an uncaught exception); the ones after
      // it still run, in the next turn.
      for (i++; i < batch.length; i++) this.defer(batch[i]);
    }
  };
}
