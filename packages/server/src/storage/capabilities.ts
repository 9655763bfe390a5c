import { type Kysely, PostgresAdapter, SqliteAdapter } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/** The one place that knows which engine is behind a Kysely instance. */
export function engineOf<DB>(db: Kysely<DB>): Engine {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new Error(`unsupported database adapter ${adapter.constructor.name}`);
}

export interface Capabilities {
  engine: Engine;
  /** Column type for an auto-numbered key. */
  autoIncrementType: 'integer' | 'bigserial';
}

export function capabilitiesOf<DB>(db: Kysely<DB>): Capabilities {
  const engine = engineOf(db);
  return engine === 'postgres' ? { engine, autoIncrementType: 'bigserial' } : { engine, autoIncrementType: 'integer' };
}
