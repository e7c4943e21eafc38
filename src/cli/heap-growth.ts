/**
 * How far V8 lets a server's old generation grow between full collections, fixed for the server's
 * life. V8 picks the factor itself, up to 4 on a machine with memory, but after its memory reducer
 * has shrunk the heap of an idle process (~16 s without requests) it grows the heap "slowly", by at
 * most 1.3, until the reducer runs again. A server that then gets busy keeps its live heap (~25 MB)
 * with a few MB of room: each page's in-flight objects filled that room, and a full collection ran
 * every ~100 ms instead of every few seconds. Measured at 50 connections on 100-user SQLite pages:
 * ~360 µs of CPU per page after 16 s idle against ~260 µs without the idle; 150 full collections in
 * 15 s against 9-17. With the factor fixed at 3, the same page after the same idle costs as much as
 * without it (bench/NOTES.md, fifteenth session).
 *
 * The memory reducer still runs, so an idle server still gives its memory back; only the growth
 * after it is no longer held down.
 */
import { setFlagsFromString } from 'node:v8';

/** The fixed growth: the old generation grows to 3x what survived the last full collection. */
const heapGrowingPercent = 200;

/**
 * Fixes V8's heap growing factor for this process, unless the process was started with its own
 * `--heap-growing-percent`. Returns whether it set it. V8 reads the flag each time it sets its next
 * collection's limit, so setting it after start takes effect at the next full collection.
 *
 * @example
 * steadyHeapGrowth(); // true: from the next full collection on, the old generation grows to 3x
 * steadyHeapGrowth(['--heap-growing-percent=50']); // false: the operator's choice stands
 */
export function steadyHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent(=|$)/.test(a))) return false;
  setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
  return true;
}
