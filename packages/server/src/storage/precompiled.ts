import type { Compilable, CompiledQuery, Kysely, QueryResult, RawBuilder } from 'kysely';

/** Stands in for an argument while a query is built; its position in the parameters is remembered. */
class Placeholder {
  constructor(readonly name: string) {}
}

type Slot = { name: string } | { constant: unknown };

interface Template<Row> {
  compiled: CompiledQuery<Row>;
  slots: Slot[];
}

export interface Precompiled<Args, Row, DB> {
  (db: Kysely<DB>, args: Args): Promise<QueryResult<Row>>;
  /** The statement with these values, as it would run (for EXPLAIN in tests). */
  compile(db: Kysely<DB>, args: Args): CompiledQuery<Row>;
}

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
): Precompiled<Args, Row, DB> {
  const templates = new WeakMap<Kysely<DB>, Template<Row>>();
  const compile = (db: Kysely<DB>, args: Args): CompiledQuery<Row> => {
    let template = templates.get(db);
    if (!template) {
      template = compileTemplate(db, build);
      templates.set(db, template);
    }
    const values = args as Record<string, unknown>;
    const parameters = template.slots.map((slot) => ('name' in slot ? values[slot.name] : slot.constant));
    return { ...template.compiled, parameters };
  };
  const run = (db: Kysely<DB>, args: Args) => db.executeQuery(compile(db, args));
  return Object.assign(run, { compile });
}

function compileTemplate<Args extends object, Row, DB>(
  db: Kysely<DB>,
  build: (db: Kysely<DB>, args: Args) => Compilable<Row> | RawBuilder<Row>,
): Template<Row> {
  const placeholders = new Proxy({} as Args, {
    get: (_target, name) => new Placeholder(String(name)),
  });
  const built = build(db, placeholders);
  // A raw `sql` statement compiles against a database; a query builder already knows its own.
  const compiled = 'isRawBuilder' in built ? built.compile(db) : built.compile();
  const slots = compiled.parameters.map(
    (parameter): Slot => (parameter instanceof Placeholder ? { name: parameter.name } : { constant: parameter }),
  );
  return { compiled, slots };
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
