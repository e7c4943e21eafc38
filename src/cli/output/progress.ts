/**
 * A progress bar with rate and ETA on stderr, drawn only when stderr is a terminal: in pipes and
 * logs the CLI stays quiet.
 */
import { SingleBar } from 'cli-progress';

export interface Progress {
  increment(by?: number): void;
  stop(): void;
}

const quiet: Progress = { increment() {}, stop() {} };

/**
 * Starts a bar for `total` items (undefined: a counter with rate, for lists of unknown length).
 *
 * @example
 * const progress = startProgress('importing', rows.length);
 * progress.increment();
 * progress.stop();
 */
export function startProgress(label: string, total?: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || process.env.TENANTRY_NO_PROGRESS) return quiet;
  const started = Date.now();
  const known = total !== undefined;
  const bar = new SingleBar({
    stream,
    format: known
      ? `${label} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}`
      : `${label} {value} | {rate}/s | {duration_formatted}`,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
    fps: 10,
  });
  let value = 0;
  const rate = () => (value / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1);
  bar.start(known ? total : Number.MAX_SAFE_INTEGER, 0, { rate: '0.0' });
  return {
    increment(by = 1) {
      value += by;
      bar.update(value, { rate: rate() });
    },
    stop() {
      bar.update(value, { rate: rate() });
      bar.stop();
    },
  };
}
