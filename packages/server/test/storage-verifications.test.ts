import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Storage } from '../src/storage/database.ts';
import * as verifications from '../src/storage/queries/verifications.ts';
import { describeEachEngine } from './engines.ts';
import { openMigratedStorage, transactionsWriting, verificationRow as verification } from './storage-helpers.ts';

describeEachEngine('storage: verifications', (database) => {
  let storage: Storage;
  beforeAll(async () => {
    ({ storage } = await openMigratedStorage(database()));
  });
  afterAll(() => storage.close());

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
      expect(await transactionsWriting(storage.db, 'verifications', sql`id like 'r-%'`)).toBeLessThan(checks.length);
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
      expect(await transactionsWriting(storage.db, 'verifications', sql`id like 'c-%' and id <> 'c-old'`)).toBe(1);
    }
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
});
