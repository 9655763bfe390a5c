import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, type Storage } from '../src/storage/database.ts';
import { migrations } from '../src/storage/migrations/index.ts';
import * as apiKeys from '../src/storage/queries/api-keys.ts';
import * as connectors from '../src/storage/queries/connectors.ts';
import * as settings from '../src/storage/queries/settings.ts';
import { describeEachEngine } from './engines.ts';
import { openMigratedStorage, withOneConnection } from './storage-helpers.ts';

const connector = (id: string, active: number): connectors.ConnectorRow => ({
  id,
  factory_id: 'dev-sms',
  type: 'sms',
  config: '{}',
  secrets: null,
  active,
  created_at: 1,
  updated_at: 1,
});

describeEachEngine('storage: migrations, API keys, connectors, settings', (database) => {
  let storage: Storage;
  let applied: string[] = [];
  beforeAll(async () => {
    ({ storage, applied } = await openMigratedStorage(database()));
  });
  afterAll(() => storage.close());

  it('applies the migrations once; a second run is a no-op', async () => {
    expect(applied).toEqual(Object.keys(migrations));
    expect(await migrate(storage.db)).toEqual([]);
    expect(storage.capabilities.engine).toBe(database().engine);
  });

  it('stores API keys by hash, revokes once', async () => {
    await apiKeys.insertApiKey(storage.db, {
      id: 'key_1',
      name: 'n',
      scope: 'verify',
      key_hash: 'h1',
      key_prefix: 'pl_x',
      created_at: 5,
      last_used_at: null,
      revoked_at: null,
    });
    expect((await apiKeys.findApiKeyByHash(storage.db, 'h1'))?.id).toBe('key_1');
    expect(await apiKeys.findApiKeyByHash(storage.db, 'h2')).toBeUndefined();
    expect(await apiKeys.revokeApiKeyById(storage.db, 'key_1', 9)).toBe(true);
    expect(await apiKeys.revokeApiKeyById(storage.db, 'key_1', 10)).toBe(false);
    expect((await apiKeys.findApiKeyByHash(storage.db, 'h1'))?.revoked_at).toBe(9);
  });

  it('keeps exactly one active connector per type, enforced by the database', async () => {
    await connectors.insertConnector(storage.db, connector('c1', 1));
    await connectors.insertConnector(storage.db, connector('c2', 1));
    expect((await connectors.findActiveConnector(storage.db, 'sms'))?.id).toBe('c2');
    expect((await connectors.findConnectorById(storage.db, 'c1'))?.active).toBe(0);
    await expect(
      storage.db.updateTable('connectors').set({ active: 1 }).where('id', '=', 'c1').execute(),
    ).rejects.toThrow();
    expect(await connectors.activateConnectorById(storage.db, 'c1', 2)).toBe(true);
    expect((await connectors.findActiveConnector(storage.db, 'sms'))?.id).toBe('c1');
    expect(await connectors.activateConnectorById(storage.db, 'missing', 2)).toBe(false);
    expect(await connectors.deleteConnectorById(storage.db, 'c2')).toBe(true);
    expect(await connectors.deleteConnectorById(storage.db, 'c2')).toBe(false);
  });

  it('keeps serving a cached prepared statement after the table changes', async () => {
    // PostgreSQL: a separate one-connection pool holds a named statement while "another instance"
    // alters the table. SQLite: the driver's statement cache on the one connection.
    await withOneConnection(database(), storage, async (reader) => {
      try {
        const read = () => reader.db.selectFrom('settings').selectAll().where('key', '=', 'ddl').execute();
        await settings.upsertSetting(reader.db, 'ddl', '1', 1);
        for (let round = 0; round < 6; round++) expect(await read()).toHaveLength(1);
        await sql`alter table settings add column note text`.execute(storage.db);
        await storage.sync();
        expect((await read())[0]).toMatchObject({ key: 'ddl', note: null });
      } finally {
        await sql`alter table settings drop column note`.execute(storage.db);
      }
    });
  });

  it('upserts settings', async () => {
    expect(await settings.findSettingByKey(storage.db, 's')).toBeUndefined();
    await settings.upsertSetting(storage.db, 's', '1', 1);
    await settings.upsertSetting(storage.db, 's', '2', 2);
    expect(await settings.findSettingByKey(storage.db, 's')).toBe('2');
  });
});
