import { type CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import { engineOf } from './capabilities.ts';
import { precompiled } from './precompiled.ts';

interface Waiting<Row, Result> {
  row: Row;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

interface Queue<Row, Result> {
  waiting: Array<Waiting<Row, Result>>;
  scheduled: boolean;
}

export interface InsertBatcherOptions<DB, Row, Result> {
  insertOne(db: Kysely<DB>, row: Row): Promise<Result>;
  /** Inserts every row in one statement; resolves with one result per row, in the rows' order. */
  insertMany(db: Kysely<DB>, rows: Row[]): Promise<Result[]>;
  /** Rows per statement at most. */
  maxRows?: number;
}

/**
 * Inserts the rows of concurrent requests into one table with one statement per event-loop turn
 * on PostgreSQL, where every statement is a network round trip and a commit: ten concurrent sends
 * then cost one insert, not ten. Each caller still waits until its own row is stored and gets its
 * own result. A batch that fails is retried row by row, so a bad row fails alone.
 *
 * SQLite inserts directly: its statements run in-process and already share one commit (see
 * sqlite-group-commit.ts). So does anything inside a transaction, which must stay in it.
 */
export function insertBatcher<DB, Row, Result = void>(
  options: InsertBatcherOptions<DB, Row, Result>,
): (db: Kysely<DB>, row: Row) => Promise<Result> {
  const maxRows = options.maxRows ?? 200;
  const queues = new WeakMap<Kysely<DB>, Queue<Row, Result> | null>();

  function queueOf(db: Kysely<DB>): Queue<Row, Result> | null {
    let queue = queues.get(db);
    if (queue === undefined) {
      queue = engineOf(db) === 'postgres' && !db.isTransaction ? { waiting: [], scheduled: false } : null;
      queues.set(db, queue);
    }
    return queue;
  }

  async function insertOne(db: Kysely<DB>, entry: Waiting<Row, Result>): Promise<void> {
    try {
      entry.resolve(await options.insertOne(db, entry.row));
    } catch (error) {
      entry.reject(error);
    }
  }

  async function flush(db: Kysely<DB>, queue: Queue<Row, Result>): Promise<void> {
    const batch = queue.waiting.splice(0, maxRows);
    if (queue.waiting.length > 0) setImmediate(() => void flush(db, queue));
    else queue.scheduled = false;
    if (batch.length === 1) return insertOne(db, batch[0] as Waiting<Row, Result>);
    let results: Result[];
    try {
      results = await options.insertMany(
        db,
        batch.map((entry) => entry.row),
      );
    } catch {
      await Promise.all(batch.map((entry) => insertOne(db, entry)));
      return;
    }
    for (const [index, entry] of batch.entries()) entry.resolve(results[index] as Result);
  }

  return (db, row) => {
    const queue = queueOf(db);
    if (!queue) return options.insertOne(db, row);
    return new Promise<Result>((resolve, reject) => {
      queue.waiting.push({ row, resolve, reject });
      if (!queue.scheduled) {
        queue.scheduled = true;
        // After the I/O callbacks of this turn: every request that reached its insert by then
        // shares the statement.
        setImmediate(() => void flush(db, queue));
      }
    });
  };
}

/**
 * PostgreSQL: one INSERT for any number of rows, `insert ... select * from unnest($1::text[], ...)`,
 * so the statement text (and its prepared plan) is the same whatever the batch size. `returning`
 * is SQL for a RETURNING clause; the returned rows come back (PostgreSQL keeps unnest's order).
 */
export function unnestInsert<DB, Row extends object, Returned = void>(
  table: string,
  columns: ReadonlyArray<readonly [column: keyof Row & string, postgresType: string]>,
  returning?: RawBuilder<unknown>,
): ((db: Kysely<DB>, rows: Row[]) => Promise<Returned[]>) & {
  /** The statement for these rows, as it would run (for EXPLAIN in tests). */
  compile(db: Kysely<DB>, rows: Row[]): CompiledQuery<Returned>;
} {
  const query = precompiled((db: Kysely<DB>, arrays: Record<string, unknown[]>) => {
    const statement = sql<Returned>`insert into ${sql.table(table)} (${sql.join(columns.map(([column]) => sql.ref(column)))}) select * from unnest(${sql.join(columns.map(([column, type]) => sql`${arrays[column]}::${sql.raw(type)}[]`))})${returning ? sql` returning ${returning}` : sql``}`;
    return { compile: () => statement.compile(db) };
  });
  const arraysOf = (rows: Row[]) => {
    const arrays: Record<string, unknown[]> = {};
    for (const [column] of columns) arrays[column] = rows.map((row) => row[column]);
    return arrays;
  };
  const run = async (db: Kysely<DB>, rows: Row[]) => (await query(db, arraysOf(rows))).rows;
  return Object.assign(run, { compile: (db: Kysely<DB>, rows: Row[]) => query.compile(db, arraysOf(rows)) });
}
