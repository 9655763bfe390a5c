import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Config } from '../src/config.ts';

export const postgresUrl = process.env.PASSLINE_TEST_POSTGRES_URL || undefined;
export const redisUrl = process.env.PASSLINE_TEST_REDIS_URL || undefined;

export interface TestDatabase {
  engine: 'sqlite' | 'postgres';
  config: Config;
  /** PostgreSQL: the schema this suite owns. */
  searchPath?: string;
}

/** A config for tests: a fresh data folder, a random key, no network listener, silent logs. */
export function testConfig(database: Config['database'], dataDir: string): Config {
  return {
    env: 'test',
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    dataDir,
    database,
    redisUrl: undefined,
    encryptionKey: randomBytes(32),
    connectorModules: [],
    trustProxy: false,
  };
}

/**
 * Runs the same suite on SQLite and on PostgreSQL. The PostgreSQL run gets a schema of its own
 * (dropped afterwards), so suites run in parallel without seeing each other's rows. Without
 * PASSLINE_TEST_POSTGRES_URL the PostgreSQL run is skipped, and its title says why.
 */
export function describeEachEngine(
  title: string,
  suite: (database: () => TestDatabase) => void,
  options: { sqlite?: boolean | string } = {},
): void {
  const sqliteSkip = typeof options.sqlite === 'string' ? options.sqlite : undefined;
  describe.skipIf(sqliteSkip !== undefined)(`${title} [sqlite]${sqliteSkip ? ` (skipped: ${sqliteSkip})` : ''}`, () => {
    let current: TestDatabase | undefined;
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'passline-test-'));
      current = {
        engine: 'sqlite',
        config: testConfig({ engine: 'sqlite', file: join(dir, 'passline.db') }, dir),
      };
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    suite(() => current as TestDatabase);
  });

  const postgresTitle = postgresUrl
    ? `${title} [postgres]`
    : `${title} [postgres] (skipped: set PASSLINE_TEST_POSTGRES_URL to run it)`;
  describe.skipIf(!postgresUrl)(postgresTitle, () => {
    let current: TestDatabase | undefined;
    let dir = '';
    const schema = `t_${randomBytes(6).toString('hex')}`;
    beforeAll(async () => {
      const url = postgresUrl as string;
      await withPgClient(url, (client) => client.query(`create schema ${schema}`));
      dir = mkdtempSync(join(tmpdir(), 'passline-test-'));
      current = {
        engine: 'postgres',
        config: testConfig({ engine: 'postgres', url, poolSize: 10 }, dir),
        searchPath: schema,
      };
    });
    afterAll(async () => {
      if (postgresUrl)
        await withPgClient(postgresUrl, (client) => client.query(`drop schema if exists ${schema} cascade`));
      rmSync(dir, { recursive: true, force: true });
    });
    suite(() => current as TestDatabase);
  });
}

async function withPgClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
