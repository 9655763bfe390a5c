import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Storage } from '../src/storage/database.ts';
import * as devOutbox from '../src/storage/queries/dev-outbox.ts';
import type { MessageRow } from '../src/storage/queries/messages.ts';
import * as messages from '../src/storage/queries/messages.ts';
import { describeEachEngine } from './engines.ts';
import { openMigratedStorage, transactionsWriting, withOneConnection } from './storage-helpers.ts';

const message = (id: string, overrides: Partial<MessageRow> = {}): MessageRow => ({
  id,
  verification_id: null,
  connector_id: null,
  factory_id: 'dev-sms',
  to_masked: '+1201*****00',
  usage: 'SignIn',
  status: 'sent',
  provider_message_id: null,
  error_kind: null,
  error_code: null,
  error_message: null,
  provider_request_id: null,
  latency_ms: 1,
  is_test: 0,
  created_at: 1,
  country: null,
  attempt: 1,
  receipts: 0,
  delivery_status: null,
  delivery_error_code: null,
  delivered_at: null,
  ...overrides,
});

describeEachEngine('storage: message log and dev outbox', (database) => {
  let storage: Storage;
  beforeAll(async () => {
    ({ storage } = await openMigratedStorage(database()));
  });
  afterAll(() => storage.close());

  it('commits log rows without waiting for the disk, and that setting ends with their statement', async () => {
    // One connection, so the statement after the log write runs where the write ran.
    await withOneConnection(database(), storage, async (single) => {
      try {
        await Promise.all(
          ['async-1', 'async-2'].map((id) =>
            messages.insertMessage(single.db, message(id, { to_masked: 'm', created_at: 600 })),
          ),
        );
        expect(
          (await messages.listMessages(single.db, { limit: 10 })).filter((row) => row.id.startsWith('async-')),
        ).toHaveLength(2);
        if (database().engine === 'postgres') {
          const setting = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(single.db);
          expect(setting.rows[0]?.synchronous_commit).toBe('on');
        }
      } finally {
        await storage.db.deleteFrom('messages').where('id', 'like', 'async-%').execute();
      }
    });
  });

  it('lists messages newest first with keyset pagination, and the outbox by number', async () => {
    for (const [index, createdAt] of [10, 20, 20, 30].entries()) {
      await messages.insertMessage(
        storage.db,
        message(`m${index}`, { status: index === 3 ? 'failed' : 'sent', created_at: createdAt }),
      );
    }
    const page1 = await messages.listMessages(storage.db, { limit: 2 });
    expect(page1.map((row) => row.id)).toEqual(['m3', 'm2']);
    const page2 = await messages.listMessages(storage.db, { limit: 5, before: { createdAt: 20, id: 'm2' } });
    expect(page2.map((row) => row.id)).toEqual(['m1', 'm0']);
    expect((await messages.listMessages(storage.db, { limit: 5, status: 'failed' })).map((row) => row.id)).toEqual([
      'm3',
    ]);

    for (const text of ['first', 'second']) {
      await devOutbox.insertDevOutboxMessage(storage.db, {
        phone: '+12015550102',
        to_masked: 'm',
        usage: 'SignIn',
        text,
        created_at: 1,
      });
    }
    await devOutbox.insertDevOutboxMessage(storage.db, {
      phone: '+12015550103',
      to_masked: 'm',
      usage: 'SignIn',
      text: 'other',
      created_at: 1,
    });
    expect((await devOutbox.listDevOutboxByPhone(storage.db, '+12015550102', 10)).map((row) => row.text)).toEqual([
      'second',
      'first',
    ]);
  });
  it('stores every row of many concurrent log writes, in order, and fails a bad row alone', async () => {
    // Quotes, commas, braces and NULL must survive PostgreSQL's array encoding.
    const batchMessage = (id: string, text: string | null) =>
      message(id, { to_masked: '+1201*****04', error_message: text, latency_ms: 7, created_at: 500 });
    const texts = Array.from({ length: 30 }, (_, index) => (index % 3 ? `say "{${index}}", \\ ok` : null));
    await Promise.all(
      texts.map((text, index) => messages.insertMessage(storage.db, batchMessage(`batch-${index}`, text))),
    );
    const stored = await messages.listMessages(storage.db, { limit: 100, before: { createdAt: 501, id: '' } });
    const byId = new Map(stored.map((row) => [row.id, row]));
    expect(texts.map((_, index) => byId.get(`batch-${index}`)?.error_message)).toEqual(texts);
    if (database().engine === 'postgres') {
      // One statement, one transaction: every row carries the same xmin.
      expect(await transactionsWriting(storage.db, 'messages', sql`id like 'batch-%'`)).toBe(1);
    }

    // A duplicate id among good rows: only its own write fails.
    const results = await Promise.allSettled([
      messages.insertMessage(storage.db, batchMessage('batch-late-1', null)),
      messages.insertMessage(storage.db, batchMessage('batch-3', 'duplicate')),
      messages.insertMessage(storage.db, batchMessage('batch-late-2', null)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(
      (await messages.listMessages(storage.db, { limit: 100 })).filter((row) => row.id.startsWith('batch-late')),
    ).toHaveLength(2);

    /** `count` concurrent outbox writes to `phone`, texts `${prefix} 0` … in the order made. */
    const writeOutbox = (phone: string, count: number, prefix: string) =>
      Promise.all(
        Array.from({ length: count }, (_, index) =>
          devOutbox.insertDevOutboxMessage(storage.db, {
            phone,
            to_masked: 'm',
            usage: 'SignIn',
            text: `${prefix} ${index}`,
            created_at: 1,
          }),
        ),
      );
    await writeOutbox('+12015550104', 20, 'message');
    if (database().engine === 'postgres') {
      expect(await transactionsWriting(storage.db, 'dev_outbox', sql`phone = '+12015550104'`)).toBe(1);
    }
    // More concurrent writes than one statement takes (200): split into several, none lost.
    await writeOutbox('+12015550105', 450, 'bulk');
    expect(await devOutbox.listDevOutboxByPhone(storage.db, '+12015550105', 1000)).toHaveLength(450);
    if (database().engine === 'postgres') {
      expect(await transactionsWriting(storage.db, 'dev_outbox', sql`phone = '+12015550105'`)).toBe(3);
    }
    // Newest first: the order in which the writes were made.
    expect((await devOutbox.listDevOutboxByPhone(storage.db, '+12015550104', 3)).map((row) => row.text)).toEqual([
      'message 19',
      'message 18',
      'message 17',
    ]);
  });
});
