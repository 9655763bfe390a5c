import { type RawBuilder, sql } from 'kysely';
import { migrate, openStorage, type Storage } from '../src/storage/database.ts';
import type { VerificationRow } from '../src/storage/queries/verifications.ts';
import type { TestDatabase } from './engines.ts';

/** A pending code for storage tests: one per id, every column set, `overrides` on top. */
export const verificationRow = (id: string, overrides: Partial<VerificationRow> = {}): VerificationRow => ({
  id,
  phone: '+12015550100',
  usage: 'SignIn',
  code_hash: `hash-${id}`,
  status: 'pending',
  attempts: 0,
  max_attempts: 3,
  expires_at: 10_000,
  created_at: 1,
  updated_at: 1,
  connector_id: null,
  ip: null,
  country: null,
  ...overrides,
});

/** Opens the suite's database and applies the migrations; `applied` is what this run applied. */
export async function openMigratedStorage(database: TestDatabase): Promise<{ storage: Storage; applied: string[] }> {
  const { config, searchPath } = database;
  const storage = openStorage(config.database, searchPath ? { searchPath } : {});
  return { storage, applied: await migrate(storage.db) };
}

/**
 * PostgreSQL: how many transactions wrote the matching rows. Rows written by one statement share
 * its transaction id (xmin), so this counts the statements that wrote them.
 */
export async function transactionsWriting(
  db: Storage['db'],
  table: string,
  where: RawBuilder<unknown>,
): Promise<number | undefined> {
  const result = await sql<{
    n: number;
  }>`select count(distinct xmin::text)::int as n from ${sql.table(table)} where ${where}`.execute(db);
  return result.rows[0]?.n;
}

/** A storage on one PostgreSQL connection (the shared one on SQLite), closed after `run`. */
export async function withOneConnection(
  database: TestDatabase,
  storage: Storage,
  run: (single: Storage) => Promise<void>,
): Promise<void> {
  const { config, searchPath } = database;
  const single =
    config.database.engine === 'postgres'
      ? openStorage({ ...config.database, poolSize: 1 }, searchPath ? { searchPath } : {})
      : storage;
  try {
    await run(single);
  } finally {
    if (single !== storage) await single.close();
  }
}
