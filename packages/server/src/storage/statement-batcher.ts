import { type Kysely, type QueryResult, type RawBuilder, sql } from 'kysely';
import { engineOf } from './capabilities.ts';
import { type Precompiled, precompiledUnnest } from './precompiled.ts';

interface Waiting<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

interface Queue<Item, Result> {
  waiting: Array<Waiting<Item, Result>>;
  scheduled: boolean;
}

export interface StatementBatcherOptions<DB, Item, Result> {
  /** Runs the statement for one item. */
  one(db: Kysely<DB>, item: Item): Promise<Result>;
  /** Runs one statement for every item; resolves with one result per item, in the items' order. */
  many(db: Kysely<DB>, items: Item[]): Promise<Result[]>;
  /**
   * Items with the same key never share a statement: an `UPDATE ... FROM unnest(...)` changes a
   * row once however often it is listed, so a second check of one code waits for the next batch.
   */
  key?(item: Item): string | readonly string[];
  /** Items per statement at most. */
  maxItems?: number;
}

/**
 * Runs one statement (an insert, an update) for the concurrent requests of one event-loop turn on
 * PostgreSQL, where every statement is a network round trip and a commit: ten concurrent sends then
 * cost one insert, not ten. Each caller still waits until its own item is written and gets its own
 * result. A batch that fails (PostgreSQL rolls the whole statement back) is retried item by item,
 * so a bad item fails alone.
 *
 * SQLite runs each item directly: its statements run in-process and already share one commit (see
 * sqlite-group-commit.ts). So does anything inside a transaction, which must stay in it.
 */
export function statementBatcher<DB, Item, Result = void>(
  options: StatementBatcherOptions<DB, Item, Result>,
): (db: Kysely<DB>, item: Item) => Promise<Result> {
  const maxItems = options.maxItems ?? 200;
  const queues = new WeakMap<Kysely<DB>, Queue<Item, Result> | null>();

  function queueOf(db: Kysely<DB>): Queue<Item, Result> | null {
    let queue = queues.get(db);
    if (queue === undefined) {
      queue = engineOf(db) === 'postgres' && !db.isTransaction ? { waiting: [], scheduled: false } : null;
      queues.set(db, queue);
    }
    return queue;
  }

  async function runOne(db: Kysely<DB>, entry: Waiting<Item, Result>): Promise<void> {
    try {
      entry.resolve(await options.one(db, entry.item));
    } catch (error) {
      entry.reject(error);
    }
  }

  /** Up to maxItems waiting entries, at most one per key; the others stay queued. */
  function takeBatch(queue: Queue<Item, Result>): Array<Waiting<Item, Result>> {
    if (!options.key) return queue.waiting.splice(0, maxItems);
    const keys = new Set<string>();
    const batch: Array<Waiting<Item, Result>> = [];
    const later: Array<Waiting<Item, Result>> = [];
    for (const entry of queue.waiting) {
      const key = options.key(entry.item);
      const itemKeys = typeof key === 'string' ? [key] : key;
      if (batch.length < maxItems && !itemKeys.some((one) => keys.has(one))) {
        for (const one of itemKeys) keys.add(one);
        batch.push(entry);
      } else later.push(entry);
    }
    queue.waiting = later;
    return batch;
  }

  async function flush(db: Kysely<DB>, queue: Queue<Item, Result>): Promise<void> {
    const batch = takeBatch(queue);
    if (queue.waiting.length > 0) setImmediate(() => void flush(db, queue));
    else queue.scheduled = false;
    if (batch.length === 1) return runOne(db, batch[0] as Waiting<Item, Result>);
    let results: Result[];
    try {
      results = await options.many(
        db,
        batch.map((entry) => entry.item),
      );
    } catch {
      await Promise.all(batch.map((entry) => runOne(db, entry)));
      return;
    }
    for (const [index, entry] of batch.entries()) entry.resolve(results[index] as Result);
  }

  return (db, item) => {
    const queue = queueOf(db);
    if (!queue) return options.one(db, item);
    return new Promise<Result>((resolve, reject) => {
      queue.waiting.push({ item, resolve, reject });
      if (!queue.scheduled) {
        queue.scheduled = true;
        // After the I/O callbacks of this turn: every request that reached this statement by then
        // shares it.
        setImmediate(() => void flush(db, queue));
      }
    });
  };
}

/**
 * One statement that concurrent requests share on PostgreSQL, declared once: the form for one item,
 * the form for a batch, and which rows an item writes. Every hot statement of the send and check
 * paths is one of these (see storage/queries/verifications.ts and rate-limit-buckets.ts).
 */
export interface BatchedStatementOptions<DB, Item, Row> {
  /**
   * The rows an item writes (their keys). Items that share a key never share a statement: an
   * `UPDATE ... FROM unnest(...)` changes a row once however often it is listed, and an upsert
   * that met its own row twice would fail, so a second item for a row waits for the next batch.
   */
  key(item: Item): string | readonly string[];
  /**
   * The statement for one item: what SQLite runs for every item (its statements share one commit
   * anyway, see sqlite-group-commit.ts), and PostgreSQL for an item alone in its turn or inside a
   * transaction. Kept apart from `many`: with a single item it is the cheaper statement on both
   * engines (PostgreSQL plans `unnest` over parameters as ten rows and replans it on every call).
   */
  one(db: Kysely<DB>, item: Item): Promise<QueryResult<Row>>;
  /** The statement for a batch: one row per key of its items, in any order. */
  many(db: Kysely<DB>, items: Item[]): Promise<QueryResult<Row>>;
  /** The key of a returned row, to hand each item the rows of its own keys. */
  rowKey(row: Row): string;
}

/** Runs the item (batched on PostgreSQL) and resolves with its rows, in the order of its keys. */
export type BatchedStatement<DB, Item, Row> = (db: Kysely<DB>, item: Item) => Promise<Row[]>;

/** Declares a batched statement; `one` and `many` stay reachable so a test can compare the two forms. */
export function batchedStatement<DB, Item, Row, Options extends BatchedStatementOptions<DB, Item, Row>>(
  options: Options & BatchedStatementOptions<DB, Item, Row>,
): BatchedStatement<DB, Item, Row> & Pick<Options, 'one' | 'many'> {
  const keysOf = (item: Item) => {
    const key = options.key(item);
    return typeof key === 'string' ? [key] : key;
  };
  const run = statementBatcher<DB, Item, Row[]>({
    one: async (db, item) => (await options.one(db, item)).rows,
    many: async (db, items) => {
      const rows = (await options.many(db, items)).rows;
      const byKey = new Map(rows.map((row) => [options.rowKey(row), row]));
      return items.map((item) => keysOf(item).flatMap((key) => byKey.get(key) ?? []));
    },
    key: options.key,
  });
  return Object.assign(run, { one: options.one, many: options.many });
}

/**
 * PostgreSQL: one INSERT for any number of rows, `insert ... select * from unnest($1::text[], ...)`,
 * so the statement text (and its prepared plan) is the same whatever the batch size. `returning`
 * is SQL for a RETURNING clause. `asyncCommit` commits without waiting for the WAL flush (see
 * logAppender).
 */
export function unnestInsert<DB, Row extends object, Returned = void>(
  table: string,
  columns: ReadonlyArray<readonly [column: keyof Row & string, postgresType: string]>,
  options: { returning?: RawBuilder<unknown>; asyncCommit?: boolean } = {},
): Precompiled<[rows: readonly Row[]], Returned, DB> {
  return precompiledUnnest<Row, Record<string, never>, Returned, DB>((_db, arrays) => {
    const names = sql.join(columns.map(([column]) => sql.ref(column)));
    const values = sql`unnest(${sql.join(columns.map(([column, type]) => sql`${arrays[column]}::${sql.raw(type)}[]`))}) as rows (${names})`;
    // set_config(..., true) lasts for this statement's own transaction only.
    const from = options.asyncCommit
      ? sql`${values} cross join (select set_config('synchronous_commit', 'off', true)) as commit_mode`
      : values;
    const returning = options.returning ? sql` returning ${options.returning}` : sql``;
    return sql<Returned>`insert into ${sql.table(table)} (${names}) select rows.* from ${from}${returning}`;
  });
}

/**
 * Appends rows to a log table: the message log, the dev outbox. On PostgreSQL they go through one
 * batched statement that commits asynchronously (`synchronous_commit` off for that transaction
 * only), so a send does not wait for a disk flush (3.4 ms on the benchmark machine) for its log
 * rows. If PostgreSQL itself crashes, the log rows of the last moments (up to three times
 * `wal_writer_delay`, 0.6 s by default) can be lost; the database stays consistent. Codes,
 * attempts and approvals always commit synchronously (send-limit counts do not: see rate-limit-buckets.ts).
 * SQLite inserts the row directly.
 */
export function logAppender<DB, Row extends object>(
  table: string,
  columns: ReadonlyArray<readonly [column: keyof Row & string, postgresType: string]>,
  insertSingle: (db: Kysely<DB>, row: Row) => Promise<unknown>,
): (db: Kysely<DB>, row: Row) => Promise<void> {
  const insertMany = unnestInsert<DB, Row>(table, columns, { asyncCommit: true });
  return statementBatcher<DB, Row, void>({
    one: async (db, row) => {
      await (engineOf(db) === 'postgres' ? insertMany(db, [row]) : insertSingle(db, row));
    },
    many: async (db, rows) => {
      await insertMany(db, rows);
      return [];
    },
  });
}
