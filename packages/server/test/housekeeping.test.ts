import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHousekeeping } from '../src/services/housekeeping.ts';
import { startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

// Housekeeping deletes what carries no more information, and nothing else: buckets whose window
// ended, guard blocks that ended, protection events past their 30 days.

describeEachEngine('housekeeping', (database) => {
  let passline: TestPassline;
  const now = Date.now();
  const day = 86_400_000;

  beforeAll(async () => {
    passline = await startTestPassline(database());
  });
  afterAll(() => passline.close());

  it('deletes ended buckets and blocks and old events, and keeps the rest', async () => {
    const { db } = passline.storage;
    await db
      .insertInto('rate_limit_buckets')
      .values([
        { key: 'hk:ended', hits: 3, reset_at: now - 1 },
        { key: 'hk:running', hits: 3, reset_at: now + 60_000 },
      ])
      .execute();
    const block = { dimension: 'range' as const, value: '+4474001***', sent: 30, approved: 0, created_at: now };
    await db
      .insertInto('protection_blocks')
      .values([
        { ...block, key: 'range:hk-ended', until: now - 1 },
        { ...block, key: 'range:hk-running', until: now + 60_000 },
      ])
      .execute();
    const event = {
      reason: 'fraud.country_blocked',
      enforced: 1,
      country: 'GB',
      range_masked: '+447400***',
      client_ip: null,
      source: 'api',
    };
    await db
      .insertInto('protection_events')
      .values([
        { ...event, id: 'pev_hk_old', created_at: now - 31 * day },
        { ...event, id: 'pev_hk_recent', created_at: now - 29 * day },
      ])
      .execute();

    const housekeeping = startHousekeeping({
      db,
      durably: passline.storage.durably,
      clock: { now: () => now },
      logger: passline.logger,
      intervalMs: 3_600_000,
    });
    await housekeeping.run();
    housekeeping.stop();

    const keys = (await db.selectFrom('rate_limit_buckets').select('key').where('key', 'like', 'hk:%').execute()).map(
      (row) => row.key,
    );
    expect(keys).toEqual(['hk:running']);
    const blocks = await db.selectFrom('protection_blocks').select('key').where('key', 'like', 'range:hk-%').execute();
    expect(blocks.map((row) => row.key)).toEqual(['range:hk-running']);
    const events = await db.selectFrom('protection_events').select('id').where('id', 'like', 'pev_hk_%').execute();
    expect(events.map((row) => row.id)).toEqual(['pev_hk_recent']);
  });
});
