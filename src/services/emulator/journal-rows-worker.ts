/** The journal's worker thread: builds the rows of each batch it is sent (see JournalRowBuilder). */
import { parentPort } from 'node:worker_threads';
import { toRow, type RowsAnswer, type RowsRequest } from './journal-rows.js';

parentPort?.on('message', ({ id, batch }: RowsRequest) => {
  let answer: RowsAnswer;
  try {
    answer = { id, rows: batch.map(toRow) };
  } catch (err) {
    answer = { id, error: err instanceof Error ? err.message : String(err) };
  }
  // Copied, not transferred: small Buffers share Node's pool, whose transfer would detach them all.
  parentPort!.postMessage(answer);
});
