import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqlRateLimiter } from '../src/services/limits/rate-limiter.ts';
import { migrate, openStorage, type Storage } from '../src/storage/database.ts';
import { migrations } from '../src/storage/migrations/index.ts';
import * as apiKeys from '../src/storage/queries/api-keys.ts';
import * as connectors from '../src/storage/queries/connectors.ts';
import * as devOutbox from '../src/storage/queries/dev-outbox.ts';
import type { MessageRow } from '../src/storage/queries/messages.ts';
import * as messages from '../src/storage/queries/messages.ts';
import * as buckets from '../src/storage/queries/rate-limit-buckets.ts';
import * as settings from '../src/storage/queries/settings.ts';
import * as verifications from '../src/storage/queries/verifications.ts';
import { describeEachEngine } from './engines.ts';

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

const verification = (
  id: string,
  overrides: Partial<verifications.VerificationRow> = {},
): verifications.VerificationRow => ({
  id,
  phone: '+12015550100',
  usage: 'SignIn',
  code_hash: 'hash',
  status: 'pending',
  attempts: 0,
  max_attempts: 3,
  expires_at: 10_000,
  created_at: 1,
  updated_at: 1,
  connector_id: null,
  ip: null,
  ...overrides,
});

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
  ...overrides,
});

describeEachEngine('storage', (database) => {
  let storage: Storage;
  let applied: string[] = [];
  beforeAll(async () => {
    const { config, searchPath } = database();
    storage = openStorage(config.database, searchPath ? { searchPath } : {});
    applied = await migrate(storage.db);
  });
  afterAll(() => storage.close());

  /**
   * PostgreSQL: how many transactions wrote the matching rows. Rows written by one statement share
   * its transaction id (xmin), so this counts the statements that wrote them.
   */
  async function transactionsWriting(table: string, where: RawBuilder<unknown>): Promise<number | undefined> {
    const result = await sql<{
      n: number;
    }>`select count(distinct xmin::text)::int as n from ${sql.table(table)} where ${where}`.execute(storage.db);
    return result.rows[0]?.n;
  }

  /** A storage on one PostgreSQL connection (the shared one on SQLite), closed after `run`. */
  async function withOneConnection(run: (single: Storage) => Promise<void>): Promise<void> {
    const { config, searchPath } = database();
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

  it('reserves attempts atomically and only while pending, unexpired and under the limit', async () => {
    await verifications.insertVerification(storage.db, verification('v1'));
    const slots = await Promise.all(
      Array.from({ length: 6 }, () => verifications.reserveVerificationAttempt(storage.db, 'v1', 100)),
    );
    expect(
      slots
        .filter(Boolean)
        .map((slot) => slot?.attempts)
        .sort(),
    ).toEqual([1, 2, 3]);
    await verifications.insertVerification(storage.db, verification('v2'));
    expect(await verifications.reserveVerificationAttempt(storage.db, 'v2', 10_000)).toBeUndefined(); // expired
    const settled = await Promise.all(
      [1, 2, 3].map(() => verifications.settlePendingVerification(storage.db, 'v2', 'approved', 5)),
    );
    expect(settled.filter(Boolean)).toHaveLength(1);
    expect(await verifications.reserveVerificationAttempt(storage.db, 'v2', 5)).toBeUndefined(); // no longer pending
  });

  it('says whether an older code is pending, and cancels the other pending codes of one number and usage only', async () => {
    expect(await verifications.insertVerification(storage.db, verification('v3', { phone: '+12015550101' }))).toEqual({
      olderPending: false,
    });
    expect(await verifications.insertVerification(storage.db, verification('v4', { phone: '+12015550101' }))).toEqual({
      olderPending: true,
    });
    expect(
      await verifications.insertVerification(
        storage.db,
        verification('v5', { phone: '+12015550101', usage: 'Register' }),
      ),
    ).toEqual({ olderPending: false });
    expect(await verifications.cancelOtherPendingVerifications(storage.db, '+12015550101', 'SignIn', 'v4', 7)).toBe(1);
    const statuses = await Promise.all(
      ['v3', 'v4', 'v5'].map((id) => verifications.findVerificationById(storage.db, id)),
    );
    expect(statuses.map((row) => row?.status)).toEqual(['cancelled', 'pending', 'pending']);
  });

  it('reserves and settles concurrent checks of many codes, one slot per check, one approval per code', async () => {
    const ids = Array.from({ length: 8 }, (_, index) => `r-${index}`);
    for (const id of ids) await verifications.insertVerification(storage.db, verification(id));
    // Each code is checked three times at once: 24 reservations, 3 per code, all granted in order.
    const checks = ids.flatMap((id) => [id, id, id]);
    const slots = await Promise.all(checks.map((id) => verifications.reserveVerificationAttempt(storage.db, id, 100)));
    for (const id of ids) {
      const attempts = slots.filter((_, index) => checks[index] === id).map((slot) => slot?.attempts);
      expect(attempts.sort()).toEqual([1, 2, 3]);
    }
    // The attempt limit (3 in these rows) holds inside a batch too.
    expect(await verifications.reserveVerificationAttempt(storage.db, 'r-0', 100)).toBeUndefined();
    if (database().engine === 'postgres') {
      // Different codes shared statements: fewer transactions than reservations.
      expect(await transactionsWriting('verifications', sql`id like 'r-%'`)).toBeLessThan(checks.length);
    }
    const settled = await Promise.all(
      checks.map((id) => verifications.settlePendingVerification(storage.db, id, 'approved', 200)),
    );
    for (const id of ids) expect(settled.filter((won, index) => won && checks[index] === id)).toHaveLength(1);
    const rows = await Promise.all(ids.map((id) => verifications.findVerificationById(storage.db, id)));
    expect(rows.map((row) => [row?.status, row?.attempts])).toEqual(ids.map(() => ['approved', 3]));
  });

  it('answers each of many concurrent sends whether an older code of its own number is pending', async () => {
    await verifications.insertVerification(storage.db, verification('c-old', { phone: '+12015550120' }));
    const fresh = Array.from({ length: 12 }, (_, index) =>
      verification(`c-${index}`, { phone: index === 5 ? '+12015550120' : `+120155502${30 + index}` }),
    );
    const answers = await Promise.all(fresh.map((row) => verifications.insertVerification(storage.db, row)));
    expect(answers.map((answer) => answer.olderPending)).toEqual(fresh.map((_, index) => index === 5));
    const stored = await Promise.all(fresh.map((row) => verifications.findVerificationById(storage.db, row.id)));
    expect(stored.map((row) => row?.phone)).toEqual(fresh.map((row) => row.phone));
    if (database().engine === 'postgres') {
      expect(await transactionsWriting('verifications', sql`id like 'c-%' and id <> 'c-old'`)).toBe(1);
    }
  });

  it('counts rate-limit hits in fixed windows and starts a window over once it has passed', async () => {
    const hit = [{ key: 'k', windowMs: 1000 }];
    expect(await buckets.incrementBuckets(storage.db, hit, 0)).toEqual([{ key: 'k', hits: 1, reset_at: 1000 }]);
    expect(await buckets.incrementBuckets(storage.db, hit, 500)).toEqual([{ key: 'k', hits: 2, reset_at: 1000 }]);
    expect(await buckets.incrementBuckets(storage.db, hit, 1000)).toEqual([{ key: 'k', hits: 1, reset_at: 2000 }]);
    const many = await buckets.incrementBuckets(
      storage.db,
      [
        { key: 'a', windowMs: 10 },
        { key: 'b', windowMs: 20 },
      ],
      0,
    );
    expect(many.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: 'a', hits: 1, reset_at: 10 },
      { key: 'b', hits: 1, reset_at: 20 },
    ]);
    expect(await buckets.deleteExpiredBuckets(storage.db, 15)).toBe(1);
  });

  it('counts concurrent hits on many buckets correctly, with shared buckets counted once per hit', async () => {
    // 15 sends: each its own number bucket, all sharing one IP bucket.
    const requests = Array.from({ length: 15 }, (_, index) => [
      { key: `many:ip`, windowMs: 1000 },
      { key: `many:phone-${String(index).padStart(2, '0')}`, windowMs: 1000 },
    ]);
    const counts = await Promise.all(requests.map((hits) => buckets.incrementBuckets(storage.db, hits, 0)));
    expect(counts.map((rows) => rows.find((row) => row.key.startsWith('many:phone'))?.hits)).toEqual(
      requests.map(() => 1),
    );
    // The shared bucket saw every hit exactly once, each caller a different count.
    const shared = counts
      .map((rows) => rows.find((row) => row.key === 'many:ip')?.hits)
      .sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(shared).toEqual(requests.map((_, index) => index + 1));

    // Without a shared bucket, concurrent sends share statements on PostgreSQL.
    const separate = Array.from({ length: 15 }, (_, index) => [{ key: `solo:${index}`, windowMs: 1000 }]);
    await Promise.all(separate.map((hits) => buckets.incrementBuckets(storage.db, hits, 0)));
    if (database().engine === 'postgres') {
      expect(await transactionsWriting('rate_limit_buckets', sql`key like 'solo:%'`)).toBeLessThan(separate.length);
    }
  });

  it('lets exactly `limit` of many concurrent requests through the SQL limiter, all-or-nothing across rules', async () => {
    const limiter = createSqlRateLimiter({ db: storage.db, clock: { now: () => 1_000 } });
    const rules = [
      { key: 'burst:ip', limit: 3, windowMs: 60_000, code: 'rate_limit.ip' as const },
      { key: 'burst:phone', limit: 10, windowMs: 60_000, code: 'rate_limit.phone' as const },
    ];
    const decisions = await Promise.all(Array.from({ length: 30 }, () => limiter.consume(rules)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
    const refused = decisions.find((decision) => !decision.allowed);
    expect(refused).toMatchObject({ allowed: false, rule: { code: 'rate_limit.ip' }, retryAfterMs: 60_000 });
    await storage.sync();
    const rows = await storage.db
      .selectFrom('rate_limit_buckets')
      .selectAll()
      .where('key', 'like', 'burst:%')
      .orderBy('key')
      .execute();
    // Refused requests gave their hits back: the phone bucket counts only the 3 admitted sends.
    expect(rows.map((row) => [row.key, row.hits])).toEqual([
      ['burst:ip', 3],
      ['burst:phone', 3],
    ]);
  });

  it.each([
    [
      'cancelling older codes',
      () =>
        verifications.cancelOtherPendingVerificationsQuery.compile(storage.db, {
          phone: '+12015550109',
          usage: 'SignIn',
          keepId: 'v0',
          now: 1,
        }),
    ],
    [
      'a send looking for an older pending code',
      () =>
        verifications.insertVerificationStatement.one.compile(
          storage.db,
          verification('v9', { phone: '+12015550109' }),
        ),
    ],
    [
      // SQLite never batches; there the single insert above is what every send runs.
      'concurrent sends looking for older pending codes (one statement on PostgreSQL)',
      () =>
        database().engine === 'postgres'
          ? verifications.insertVerificationStatement.many.compile(storage.db, [
              verification('v9', { phone: '+12015550109' }),
              verification('v10', { phone: '+12015550110' }),
            ])
          : verifications.insertVerificationStatement.one.compile(
              storage.db,
              verification('v9', { phone: '+12015550109' }),
            ),
    ],
  ])(
    'finds pending codes through the partial index when %s, also with a generic (prepared) plan',
    async (_what, compile) => {
      expect(await planOf(compile())).toContain('verifications_pending_by_phone_usage');
    },
  );

  it('finds the codes that concurrent checks reserve and settle by primary key, also with a generic plan', async () => {
    if (database().engine === 'postgres') {
      // At scale: 20,000 codes, most of them pending (unchecked codes stay pending until a check or
      // a newer send settles them), so the planner sees the table as production would.
      await sql`insert into verifications (id, phone, usage, code_hash, status, attempts, max_attempts, expires_at, created_at, updated_at)
        select 'scale-' || n, '+1999555' || lpad(n::text, 5, '0'), 'SignIn', 'h', case when n % 5 = 0 then 'approved' else 'pending' end, 0, 5, 10000, 1, 1
        from generate_series(1, 20000) as n`.execute(storage.db);
      await sql`analyze verifications`.execute(storage.db);
    }
    const statements =
      database().engine === 'postgres'
        ? [
            verifications.reserveAttemptStatement.many.compile(storage.db, [
              { id: 'a', now: 1 },
              { id: 'b', now: 1 },
            ]),
            verifications.settleVerificationStatement.many.compile(storage.db, [
              { id: 'a', status: 'approved', now: 1 },
              { id: 'b', status: 'expired', now: 1 },
            ]),
          ]
        : [verifications.findVerificationByIdQuery.compile(storage.db, { id: 'a' })];
    for (const statement of statements) {
      const plan = await planOf(statement);
      expect(plan, plan).toMatch(/verifications_pkey|sqlite_autoindex_verifications_1/);
    }
  });

  /** The plan PostgreSQL uses for a prepared statement (forced generic), or SQLite's query plan. */
  async function planOf({ sql: text, parameters }: { sql: string; parameters: readonly unknown[] }): Promise<string> {
    if (database().engine === 'postgres') {
      return storage.db.connection().execute(async (connection) => {
        await sql`set plan_cache_mode = force_generic_plan`.execute(connection);
        await sql.raw(`prepare plan_check as ${text}`).execute(connection);
        const literal = (value: unknown): string =>
          Array.isArray(value)
            ? `'{${value.map((item) => (item === null ? 'NULL' : JSON.stringify(String(item)))).join(',')}}'`
            : typeof value === 'number'
              ? String(value)
              : `'${String(value)}'`;
        const plan = await sql
          .raw<{ 'QUERY PLAN': string }>(`explain execute plan_check(${parameters.map(literal).join(', ')})`)
          .execute(connection);
        await sql`deallocate plan_check`.execute(connection);
        await sql`reset plan_cache_mode`.execute(connection);
        return plan.rows.map((row) => row['QUERY PLAN']).join('\n');
      });
    }
    const plan = await sql
      .raw<{ detail: string }>(`explain query plan ${text.replaceAll('?', 'null')}`)
      .execute(storage.db);
    return plan.rows.map((row) => row.detail).join('\n');
  }

  it('commits log rows without waiting for the disk, and that setting ends with their statement', async () => {
    // One connection, so the statement after the log write runs where the write ran.
    await withOneConnection(async (single) => {
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

  it('keeps serving a cached prepared statement after the table changes', async () => {
    // PostgreSQL: a separate one-connection pool holds a named statement while "another instance"
    // alters the table. SQLite: the driver's statement cache on the one connection.
    await withOneConnection(async (reader) => {
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
      expect(await transactionsWriting('messages', sql`id like 'batch-%'`)).toBe(1);
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
      expect(await transactionsWriting('dev_outbox', sql`phone = '+12015550104'`)).toBe(1);
    }
    // More concurrent writes than one statement takes (200): split into several, none lost.
    await writeOutbox('+12015550105', 450, 'bulk');
    expect(await devOutbox.listDevOutboxByPhone(storage.db, '+12015550105', 1000)).toHaveLength(450);
    if (database().engine === 'postgres') {
      expect(await transactionsWriting('dev_outbox', sql`phone = '+12015550105'`)).toBe(3);
    }
    // Newest first: the order in which the writes were made.
    expect((await devOutbox.listDevOutboxByPhone(storage.db, '+12015550104', 3)).map((row) => row.text)).toEqual([
      'message 19',
      'message 18',
      'message 17',
    ]);
  });
});
