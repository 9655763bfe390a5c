import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { ensurePrivateDirectory, ensurePrivateFile, restrictToOwner } from '../private-files.ts';
import { type Capabilities, capabilitiesOf } from './capabilities.ts';
import { migrations } from './migrations/index.ts';
import { preparedStatementPool } from './postgres-prepared.ts';
import type { Database } from './schema.ts';
import { GroupCommitSqliteDialect } from './sqlite-group-commit.ts';

export interface Storage {
  db: Kysely<Database>;
  capabilities: Capabilities;
  /** Human description for the start-up log, without credentials. */
  description: string;
  /**
   * Runs `work`, waits until every write issued so far is committed, and only then returns what
   * `work` returned (or throws what it threw; a failed commit throws instead). Nothing may tell the
   * outside world about a write before that, so every way out goes through here: HTTP responses
   * (http/app.ts), CLI output (cli.ts), background tasks (services/background-tasks.ts) and the
   * start-up log's setup token (main.ts).
   */
  durably<T>(work: () => T | Promise<T>): Promise<T>;
  /**
   * The barrier under `durably`: resolves once every write issued so far is committed. SQLite commits
   * in groups (see sqlite-group-commit.ts); PostgreSQL statements are committed when their promise
   * resolves.
   */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** `durably` over a commit barrier. */
function durablyWith(sync: () => Promise<void>): Storage['durably'] {
  return async (work) => {
    let result: Awaited<ReturnType<typeof work>>;
    try {
      result = await work();
    } catch (error) {
      // A failed request can have written too (an attempt counted, a delivery logged as failed).
      await sync();
      throw error;
    }
    await sync();
    return result;
  };
}

// int8 (bigint) columns hold epoch milliseconds, well inside Number's exact range.
const int8Oid = 20;
const typesFor = (driver: typeof pg) => ({
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8Oid
      ? (value: string) => Number(value)
      : driver.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
});

/** The PostgreSQL driver, loaded only when configured: an SQLite instance does not carry it in memory. */
const loadPg = () => createRequire(import.meta.url)('pg') as typeof pg;

export function openStorage(database: Config['database'], options: { searchPath?: string } = {}): Storage {
  if (database.engine === 'sqlite') {
    ensurePrivateDirectory(dirname(database.file));
    // SQLite gives the -wal and -shm files the database file's permissions, so a private database
    // file keeps all three private; files left by older versions are tightened here.
    ensurePrivateFile(database.file);
    for (const suffix of ['-wal', '-shm']) restrictToOwner(`${database.file}${suffix}`, 0o600);
    const sqlite = new SQLite(database.file);
    // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes and
    // loses at most the last transactions on power loss, the usual trade-off for WAL.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    // 8 MiB of page cache (better-sqlite3 builds with 16 MiB): the hot pages are the newest
    // verifications and the live send-limit buckets; the OS file cache holds the rest.
    sqlite.pragma('cache_size = -8000');
    const dialect = new GroupCommitSqliteDialect(sqlite);
    const db = new Kysely<Database>({ dialect });
    return {
      db,
      capabilities: capabilitiesOf(db),
      description: `SQLite at ${database.file}`,
      durably: durablyWith(() => dialect.sync()),
      sync: () => dialect.sync(),
      close: () => db.destroy(),
    };
  }
  const driver = loadPg();
  const pool = new driver.Pool({
    connectionString: database.url,
    max: database.poolSize,
    types: typesFor(driver),
    options: options.searchPath ? `-c search_path=${options.searchPath}` : undefined,
  });
  // Named prepared statements unless turned off (PgBouncer in transaction mode cannot keep them).
  const dialect = new PostgresDialect({
    pool: database.preparedStatements === false ? pool : preparedStatementPool(pool),
  });
  const db = new Kysely<Database>({ dialect });
  const url = new URL(database.url);
  return {
    db,
    capabilities: capabilitiesOf(db),
    description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
    durably: durablyWith(() => Promise.resolve()),
    sync: () => Promise.resolve(),
    close: () => db.destroy(),
  };
}

/** PostgreSQL error codes of a catalog scan that raced a concurrent DROP (see migrate). */
const introspectionRaces = new Set(['3F000', '42P01', '42703']);

/** Applies pending migrations; a second run on the same database applies nothing. */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  // On PostgreSQL the migrator looks for its tables across all schemas; pinning them to the
  // connection's own schema keeps two Passline databases in one cluster (or parallel test schemas)
  // from seeing each other's migration state.
  const schema =
    capabilitiesOf(db).engine === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'passline_migrations',
    migrationLockTableName: 'passline_migrations_lock',
    migrationTableSchema: schema,
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) {
      return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
    }
    // The migrator lists the tables of every schema in the database, asking has_schema_privilege
    // and pg_get_serial_sequence of each; a schema or table that another client drops meanwhile
    // (another application sharing the cluster, a parallel test run) fails that scan with
    // invalid_schema_name, undefined_table or undefined_column (a column read from the catalog of a
    // table dropped a moment later). Migrations run in a transaction, so nothing was changed and the
    // whole run is simply repeated; a real error repeats and is thrown.
    const code = (error as { code?: string }).code;
    if (!introspectionRaces.has(code ?? '') || attempt === 20) throw error;
  }
}
