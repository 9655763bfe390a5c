import { secretMask } from '@passline/connector-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { redact } from '../src/services/audit-service.ts';
import { manualClock, startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

// Retention: housekeeping deletes entries older than PASSLINE_AUDIT_RETENTION_DAYS (365 unless
// set), and with 0 keeps every entry.

const day = 86_400_000;

function entry(id: string, createdAt: number) {
  return {
    id,
    created_at: createdAt,
    actor_type: 'api_key',
    actor_id: 'key_retention',
    actor_name: 'retention',
    ip: '127.0.0.1',
    action: 'settings.update',
    target_type: 'settings',
    target_id: 'verification',
    before_json: null,
    after_json: '{"codeLength":6}',
  };
}

describeEachEngine('audit log retention', (database) => {
  const clock = manualClock(Date.UTC(2031, 5, 1));
  let passline: TestPassline;
  let keepForever: TestPassline | undefined;
  let firstClosed = false;

  beforeAll(async () => {
    passline = await startTestPassline(database(), { clock, config: { auditRetentionDays: 30 } });
  });
  afterAll(async () => {
    await keepForever?.close();
    if (!firstClosed) await passline.close();
  });

  const ids = async (instance: TestPassline) =>
    (await instance.request('GET', '/api/audit-log?actor=retention&limit=200')).body.items.map(
      (item: { id: string }) => item.id,
    );

  it('housekeeping deletes entries past the retention and keeps the rest', async () => {
    const now = clock.now();
    await passline.storage.db
      .insertInto('audit_log')
      .values([entry('aud_old', now - 31 * day), entry('aud_edge', now - 29 * day), entry('aud_new', now - 1000)])
      .execute();
    expect(await ids(passline)).toEqual(['aud_new', 'aud_edge', 'aud_old']);
    await passline.housekeeping.run();
    expect(await ids(passline)).toEqual(['aud_new', 'aud_edge']);
    clock.advance(2 * day);
    await passline.housekeeping.run();
    expect(await ids(passline)).toEqual(['aud_new']);
  });

  it('0 keeps every entry', async () => {
    if (database().engine === 'sqlite') {
      // SQLite has one owner per file: the second instance takes over the same database.
      await passline.close();
      firstClosed = true;
    }
    const instance = await startTestPassline(database(), { clock, config: { auditRetentionDays: 0 } });
    keepForever = instance;
    await instance.storage.db
      .insertInto('audit_log')
      .values(entry('aud_ancient', clock.now() - 20 * 365 * day))
      .execute();
    await instance.housekeeping.run();
    expect(await ids(instance)).toContain('aud_ancient');
    expect(instance.auditLog.retentionDays).toBe(0);
  });
});

it('PASSLINE_AUDIT_RETENTION_DAYS: 365 by default, 0 allowed, negative refused', () => {
  expect(loadConfig({}).auditRetentionDays).toBe(365);
  expect(loadConfig({ PASSLINE_AUDIT_RETENTION_DAYS: '0' }).auditRetentionDays).toBe(0);
  expect(loadConfig({ PASSLINE_AUDIT_RETENTION_DAYS: '90' }).auditRetentionDays).toBe(90);
  expect(() => loadConfig({ PASSLINE_AUDIT_RETENTION_DAYS: '-1' })).toThrow(/PASSLINE_AUDIT_RETENTION_DAYS/);
});

it('redacts secret-named strings that reach the audit log, at any depth', () => {
  expect(
    redact({
      name: 'x',
      password: 'hunter2hunter2',
      nested: { clientSecret: 'abc', apiKey: 'k', tokens: ['t1'], hasClientSecret: true, key: 'value' },
      url: 'https://example.com',
    }),
  ).toEqual({
    name: 'x',
    password: secretMask,
    nested: {
      clientSecret: secretMask,
      apiKey: secretMask,
      tokens: [secretMask],
      hasClientSecret: true,
      key: secretMask,
    },
    url: 'https://example.com',
  });
});
