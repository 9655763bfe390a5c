import { type Kysely, sql } from 'kysely';
import { engineOf } from './capabilities.ts';
import { precompiled } from './precompiled.ts';

interface Waiting<Row> {
  row: Row;
  resolve(): void;
  reject(error: unknown): void;
}

interface Queue<Row> {
  waiting: Array<Waiting<Row>>;
  scheduled: boolean;
}

export interface AppendBatcherOptions<DB, Row> {
  insertOne(db: Kysely<DB>, row: Row): Promise<unknown>;
  insertMany(db: Kysely<DB>, rows: Row[]): Promise<unknown>;
  /** Rows per statement at most. */
  maxRows?: number;
}

/**
 * Appends rows to a log table (the message log, the dev outbox) for concurrent requests with one
 * statement per event-loop turn on PostgreSQL, where every statement is a network round trip and a
 * commit. Each caller still waits until its own row is stored. A batch that fails is retried row by
 * row, so a bad row fails alone.
 *
 * SQLite inserts directly: its statements run in-process and already share one commit (see
 * sqlite-group-commit.ts). So does anything inside a transaction, which must stay in it.
 */
export function appendBatcher<DB, Row>(
  options: AppendBatcherOptions<DB, Row>,
): (db: Kysely<DB>, row: Row) => Promise<void> {
  const maxRows = options.maxRows ?? 200;
  const queues = new WeakMap<Kysely<DB>, Queue<Row> | null>();

  function queueOf(db: Kysely<DB>): Queue<Row> | null {
    let queue = queues.get(db);
    if (queue === undefined) {
      queue = engineOf(db) === 'postgres' && !db.isTransaction ? { waiting: [], scheduled: false } : null;
      queues.set(db, queue);
    }
    return queue;
  }

  async function insertOne(db: Kysely<DB>, entry: Waiting<Row>): Promise<void> {
    try {
      await options.insertOne(db, entry.row);
      entry.resolve();
    } catch (error) {
      entry.reject(error);
    }
  }

  async function flush(db: Kysely<DB>, queue: Queue<Row>): Promise<void> {
    const batch = queue.waiting.splice(0, maxRows);
    if (queue.waiting.length > 0) setImmediate(() => void flush(db, queue));
    else queue.scheduled = false;
    if (batch.length === 1) return insertOne(db, batch[0] as Waiting<Row>);
    try {
      await options.insertMany(
        db,
        batch.map((entry) => entry.row),
      );
    } catch {
      await Promise.all(batch.map((entry) => insertOne(db, entry)));
      return;
    }
    for (const entry of batch) entry.resolve();
  }

  return (db, row) => {
    const queue = queueOf(db);
    if (!queue) return options.insertOne(db, row).then(() => undefined);
    return new Promise<void>((resolve, reject) => {
      queue.waiting.push({ row, resolve, reject });
      if (!queue.scheduled) {
        queue.scheduled = true;
        // After the I/O callbacks of this turn: every request that reached its log write by then
        // shares the statement.
        setImmediate(() => void flush(db, queue));
      }
    });
  };
}

/**
 * PostgreSQL: one INSERT for any number of rows, `insert ... select * from unnest($1::text[], ...)`,
 * so the statement text (and its prepared plan) is the same whatever the batch size.
 */
export function unnestInsert<DB, Row extends object>(
  table: string,
  columns: ReadonlyArray<readonly [column: keyof Row & string, postgresType: string]>,
): (db: Kysely<DB>, rows: Row[]) => Promise<unknown> {
  const query = precompiled((db: Kysely<DB>, arrays: Record<string, unknown[]>) => {
    const statement = sql`insert into ${sql.table(table)} (${sql.join(columns.map(([column]) => sql.ref(column)))}) select * from unnest(${sql.join(columns.map(([column, type]) => sql`${arrays[column]}::${sql.raw(type)}[]`))})`;
    return { compile: () => statement.compile(db) };
  });
  return (db, rows) => {
    const arrays: Record<string, unknown[]> = {};
    for (const [column] of columns) arrays[column] = rows.map((row) => row[column]);
    return query(db, arrays);
  };
}
