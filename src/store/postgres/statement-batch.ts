/**
 * Runs the executions of one prepared statement asked for during a turn of the event loop as one
 * statement: their parameters go as arrays, one element per execution, and each execution's rows
 * come back tagged with its place.
 *
 * Why: at 50 connections a page request's own CPU was mostly the client's side of its round trip
 * (a `writev` that wakes the backend, a `read`, and pg's parsing around them), not the page. One
 * round trip for a turn's pages cost Node 59–90 µs a 100-user page against 118–130 µs for one
 * each, and the backend less too (bench/NOTES.md, twenty-eighth session).
 *
 * The statement runs once per execution as a `LATERAL` subquery over the parameter arrays, so
 * each execution sees what it would alone, in one snapshot shared by the batch. A statement
 * qualifies when every `$n` in its text is a parameter and all of them are text (or null): the
 * arrays are `text[]`, so a parameter compared with a text column keeps its type. An execution
 * with any other value, or alone in its turn, runs as the plain statement; so does each execution
 * of a batch that failed.
 *
 * @example
 * const batch = new StatementBatch(pagePool);
 * const rows = await batch.query('gp_ada_all_100_a', 'SELECT … WHERE customer_id = $1 …', [customerId]);
 */
import type pg from 'pg';

type Rows = unknown[][];

interface Execution {
  values: unknown[];
  resolve: (rows: Rows) => void;
  reject: (error: unknown) => void;
}

interface Waiting {
  text: string;
  executions: Execution[];
}

/** Enough to take a busy turn's pages; more would only make the batch's last page wait longer. */
export const maxBatchedExecutions = 25;

export class StatementBatch {
  private waiting = new Map<string, Waiting>();
  private readonly batchedTexts = new Map<string, string>();

  constructor(private readonly pool: Pick<pg.Pool, 'query'>) {}

  /** The statement's rows (`rowMode: 'array'`), as `pool.query({ name, text, values })` would give them. */
  query(name: string, text: string, values: unknown[]): Promise<Rows> {
    if (!values.every((v) => typeof v === 'string' || v === null)) return this.runAlone(name, text, values);
    return new Promise<Rows>((resolve, reject) => {
      if (this.waiting.size === 0) setImmediate(this.flush);
      let waiting = this.waiting.get(name);
      if (!waiting) this.waiting.set(name, (waiting = { text, executions: [] }));
      waiting.executions.push({ values, resolve, reject });
    });
  }

  private readonly flush = (): void => {
    const turn = this.waiting;
    this.waiting = new Map();
    for (const [name, { text, executions }] of turn) {
      for (let at = 0; at < executions.length; at += maxBatchedExecutions) this.run(name, text, executions.slice(at, at + maxBatchedExecutions));
    }
  };

  private run(name: string, text: string, executions: Execution[]): void {
    if (executions.length === 1) {
      const [only] = executions;
      this.runAlone(name, text, only.values).then(only.resolve, only.reject);
      return;
    }
    const count = executions[0].values.length;
    const arrays = Array.from({ length: count }, (_, p) => executions.map((e) => e.values[p]));
    this.pool.query({ name: `${name}_b`, text: this.batchedText(name, text, count), values: arrays, rowMode: 'array' }).then(
      ({ rows }: { rows: Rows }) => {
        const each: Rows[] = executions.map(() => []);
        for (const row of rows) each[Number(row[0]) - 1].push(row.slice(1));
        executions.forEach((e, i) => e.resolve(each[i]));
      },
      // One execution's failure must not become every other's: each runs again alone and gets
      // its own answer. A lost connection fails them all again, each as it would have alone.
      () => {
        for (const e of executions) this.runAlone(name, text, e.values).then(e.resolve, e.reject);
      },
    );
  }

  private async runAlone(name: string, text: string, values: unknown[]): Promise<Rows> {
    return (await this.pool.query({ name, text, values, rowMode: 'array' })).rows as Rows;
  }

  private batchedText(name: string, text: string, count: number): string {
    let batched = this.batchedTexts.get(name);
    if (batched === undefined) {
      batched = batchedStatement(text, count);
      this.batchedTexts.set(name, batched);
    }
    return batched;
  }
}

/**
 * The statement run once per element of its parameters' arrays, each row led by its element's
 * place (from 1).
 *
 * @example
 * batchedStatement('SELECT x FROM t WHERE a = $1', 1);
 * // 'SELECT r.i::int, p.* FROM unnest($1::text[]) WITH ORDINALITY AS r(p1, i) CROSS JOIN LATERAL (SELECT x FROM t WHERE a = r.p1) p'
 */
export function batchedStatement(text: string, count: number): string {
  const places = Array.from({ length: count }, (_, p) => p + 1);
  const inner = text.replace(/\$(\d+)/g, (_, n: string) => `r.p${n}`);
  return `SELECT r.i::int, p.* FROM unnest(${places.map((n) => `$${n}::text[]`).join(', ')}) WITH ORDINALITY AS r(${places.map((n) => `p${n}`).join(', ')}, i) CROSS JOIN LATERAL (${inner}) p`;
}
