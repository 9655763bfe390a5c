import type { Compilable, CompiledQuery, Kysely, QueryResult, RawBuilder } from 'kysely';

/** Stands in for an argument while a query is built; `read` finds its value in the arguments of a call. */
class Placeholder {
  constructor(readonly read: (args: unknown) => unknown) {}
}

interface Template<Row> {
  compiled: CompiledQuery<Row>;
  /** One per parameter: reads the value from a call's arguments, or returns a constant of the build. */
  readers: Array<(args: unknown) => unknown>;
}

type Build<Row> = () => Compilable<Row> | RawBuilder<Row>;

export interface Precompiled<Args extends unknown[], Row, DB> {
  (db: Kysely<DB>, ...args: Args): Promise<QueryResult<Row>>;
  /** The statement with these values, as it would run (for EXPLAIN in tests). */
  compile(db: Kysely<DB>, ...args: Args): CompiledQuery<Row>;
}

/** Values shared by every row of a multi-row statement; statements without any may leave them out. */
type SharedArgs<Shared> = Record<string, never> extends Shared ? [shared?: Shared] : [shared: Shared];

/** The rows of a batch as one array per column, the way `unnest` takes them. */
export type Columns<Row> = { readonly [Column in keyof Row]: Array<Row[Column]> };

/**
 * A query that Kysely builds and compiles once per database, then runs with fresh values.
 *
 * Building and compiling a Kysely query (a tree of frozen nodes, then a visitor) costs more than
 * running a small statement on SQLite, and the send and check paths run the same few statements
 * thousands of times a second. The SQL text also stays the same string object, so the prepared
 * statement caches find it without hashing a new string.
 *
 * `build` returns a query builder or a raw `sql` statement. It receives placeholders instead of
 * arguments and must use them only as values (in `where`, `values`, `set`, `sql` templates):
 * branching on an argument would freeze the first call's branch.
 */
export function precompiled<Args extends object, Row, DB>(
  build: (db: Kysely<DB>, args: Args) => Compilable<Row> | RawBuilder<Row>,
): Precompiled<[args: Args], Row, DB> {
  const templates = new WeakMap<Kysely<DB>, Template<Row>>();
  const compile = (db: Kysely<DB>, args: Args): CompiledQuery<Row> => {
    let template = templates.get(db);
    if (!template) {
      template = templateOf(db, () =>
        build(
          db,
          fieldsOf<Args>((call) => call),
        ),
      );
      templates.set(db, template);
    }
    return instantiate(template, args);
  };
  return Object.assign((db: Kysely<DB>, args: Args) => db.executeQuery(compile(db, args)), { compile });
}

/**
 * A statement that lists its rows (`insert ... values (...), (...)`), so its text depends on how
 * many there are: compiled once per row count and database, like `precompiled` otherwise. `build`
 * receives one placeholder row per row and the placeholders of the values all rows share.
 */
export function precompiledValues<Row extends object, Shared extends object, Result, DB>(
  build: (db: Kysely<DB>, rows: readonly Row[], shared: Shared) => Compilable<Result> | RawBuilder<Result>,
): Precompiled<[rows: readonly Row[], ...shared: SharedArgs<Shared>], Result, DB> {
  const templates = new WeakMap<Kysely<DB>, Map<number, Template<Result>>>();
  const compile = (db: Kysely<DB>, rows: readonly Row[], shared?: Shared): CompiledQuery<Result> => {
    let byCount = templates.get(db);
    if (!byCount) {
      byCount = new Map();
      templates.set(db, byCount);
    }
    let template = byCount.get(rows.length);
    if (!template) {
      const rowPlaceholders = Array.from({ length: rows.length }, (_, index) =>
        fieldsOf<Row>((call) => (call as RowsCall<Row, Shared>).rows[index]),
      );
      const sharedPlaceholders = fieldsOf<Shared>((call) => (call as RowsCall<Row, Shared>).shared);
      template = templateOf(db, () => build(db, rowPlaceholders, sharedPlaceholders));
      byCount.set(rows.length, template);
    }
    return instantiate(template, { rows, shared });
  };
  return multiRow(compile);
}

/**
 * PostgreSQL: a statement over `unnest($1::text[], $2::bigint[], ...)`, which takes any number of
 * rows as one array per column, so one text (and one prepared plan) serves every batch size.
 * `build` receives the placeholder of each column's array and of the values all rows share.
 */
export function precompiledUnnest<Row extends object, Shared extends object, Result, DB>(
  build: (db: Kysely<DB>, columns: Columns<Row>, shared: Shared) => Compilable<Result> | RawBuilder<Result>,
): Precompiled<[rows: readonly Row[], ...shared: SharedArgs<Shared>], Result, DB> {
  const templates = new WeakMap<Kysely<DB>, Template<Result>>();
  const compile = (db: Kysely<DB>, rows: readonly Row[], shared?: Shared): CompiledQuery<Result> => {
    let template = templates.get(db);
    if (!template) {
      const columns = new Proxy({} as Columns<Row>, {
        get: (_target, column) =>
          new Placeholder((call) =>
            (call as RowsCall<Row, Shared>).rows.map((row) => (row as Record<PropertyKey, unknown>)[column]),
          ),
      });
      const sharedPlaceholders = fieldsOf<Shared>((call) => (call as RowsCall<Row, Shared>).shared);
      template = templateOf(db, () => build(db, columns, sharedPlaceholders));
      templates.set(db, template);
    }
    return instantiate(template, { rows, shared });
  };
  return multiRow(compile);
}

interface RowsCall<Row, Shared> {
  rows: readonly Row[];
  shared: Shared | undefined;
}

function multiRow<Row, Shared, Result, DB>(
  compile: (db: Kysely<DB>, rows: readonly Row[], shared?: Shared) => CompiledQuery<Result>,
): Precompiled<[rows: readonly Row[], ...shared: SharedArgs<Shared>], Result, DB> {
  const run = (db: Kysely<DB>, rows: readonly Row[], shared?: Shared) => db.executeQuery(compile(db, rows, shared));
  return Object.assign(run, { compile });
}

/** An object whose every property is a placeholder for that property of `of(call arguments)`. */
function fieldsOf<Fields>(of: (call: unknown) => unknown): Fields {
  return new Proxy({} as Fields & object, {
    get: (_target, name) => new Placeholder((call) => (of(call) as Record<PropertyKey, unknown>)[name]),
  });
}

function templateOf<Row, DB>(db: Kysely<DB>, build: Build<Row>): Template<Row> {
  const built = build();
  // A raw `sql` statement compiles against a database; a query builder already knows its own.
  const compiled = 'isRawBuilder' in built ? built.compile(db) : built.compile();
  const readers = compiled.parameters.map((parameter) =>
    parameter instanceof Placeholder ? parameter.read : () => parameter,
  );
  return { compiled, readers };
}

function instantiate<Row>(template: Template<Row>, call: unknown): CompiledQuery<Row> {
  return { ...template.compiled, parameters: template.readers.map((read) => read(call)) };
}

/**
 * The placeholders of an insert's columns. Placeholders cannot be enumerated, so an insert names its
 * columns; the type makes the list complete.
 */
export function insertRow<Row extends object>(args: Row, columns: { [K in keyof Row]-?: true }): Row {
  const row: Record<string, unknown> = {};
  for (const column of Object.keys(columns)) row[column] = (args as Record<string, unknown>)[column];
  return row as Row;
}
