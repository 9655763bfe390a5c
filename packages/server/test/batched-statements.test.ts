import type { Kysely, QueryResult } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openStorage, type Storage } from '../src/storage/database.ts';
import { incrementBucketsStatement } from '../src/storage/queries/rate-limit-buckets.ts';
import {
  insertVerificationStatement,
  reserveAttemptStatement,
  settleVerificationStatement,
} from '../src/storage/queries/verifications.ts';
import type { Database } from '../src/storage/schema.ts';
import { describeEachEngine } from './engines.ts';
import { verificationRow as verification } from './storage-helpers.ts';

// Every batched statement has two forms: the single one (SQLite, and PostgreSQL for a request alone)
// and the batched one (PostgreSQL, `unnest` over the concurrent requests of one turn). Their
// conditions are written twice, so this suite runs both forms on the same rows and requires the
// same answers and the same table afterwards. The items of each case cover every condition of the
// statement and touch different rows, so running them one by one or in one statement must agree.

/** The codes that the reserve and settle cases find: one per condition. */
const codes = [
  verification('open'),
  verification('last-attempt', { attempts: 2 }),
  verification('no-attempts-left', { attempts: 3 }),
  verification('expired', { expires_at: 100 }),
  verification('expires-now', { expires_at: 500 }),
  verification('approved', { status: 'approved' }),
  verification('cancelled', { status: 'cancelled' }),
];

describeEachEngine(
  'batched statements: single and batched forms agree',
  (database) => {
    let storage: Storage;
    beforeAll(async () => {
      const { config, searchPath } = database();
      storage = openStorage(config.database, searchPath ? { searchPath } : {});
      await migrate(storage.db);
    });
    afterAll(() => storage.close());

    /**
     * Runs `items` through the single form one by one, then through the batched form in one
     * statement, each on the same fixture rows inside a transaction that is rolled back. Returns the
     * rows each form returned and the table each left, sorted.
     */
    async function bothForms<Item, Row>(
      statement: {
        one(db: Kysely<Database>, item: Item): Promise<QueryResult<Row>>;
        many(db: Kysely<Database>, items: Item[]): Promise<QueryResult<Row>>;
      },
      table: 'verifications' | 'rate_limit_buckets',
      fixtures: (db: Kysely<Database>) => Promise<unknown>,
      items: Item[],
    ) {
      const run = async (form: (db: Kysely<Database>) => Promise<Row[]>) => {
        const trx = await storage.db.startTransaction().execute();
        try {
          await fixtures(trx);
          const returned = await form(trx);
          const left = await trx.selectFrom(table).selectAll().execute();
          return { returned: sorted(returned), table: sorted(left) };
        } finally {
          await trx.rollback().execute();
        }
      };
      const single = await run(async (db) => {
        const rows: Row[] = [];
        for (const item of items) rows.push(...(await statement.one(db, item)).rows);
        return rows;
      });
      const batched = await run(async (db) => (await statement.many(db, items)).rows);
      return { single, batched };
    }

    it('inserting codes: whether an older code of the same number and usage is pending', async () => {
      const { single, batched } = await bothForms(
        insertVerificationStatement,
        'verifications',
        (db) =>
          db
            .insertInto('verifications')
            .values([
              verification('old-pending', { phone: '+12015550101' }),
              verification('old-approved', { phone: '+12015550102', status: 'approved' }),
              verification('old-other-usage', { phone: '+12015550103', usage: 'Register' }),
            ])
            .execute(),
        [
          verification('new-after-pending', { phone: '+12015550101' }),
          verification('new-after-approved', { phone: '+12015550102' }),
          verification('new-other-usage', { phone: '+12015550103' }),
          verification('new-first', { phone: '+12015550104' }),
        ],
      );
      expect(single.returned).toEqual([
        { id: 'new-after-approved', older_pending: 0 },
        { id: 'new-after-pending', older_pending: 1 },
        { id: 'new-first', older_pending: 0 },
        { id: 'new-other-usage', older_pending: 0 },
      ]);
      expect(batched).toEqual(single);
    });

    it('reserving attempts: pending, unexpired, under the limit', async () => {
      const { single, batched } = await bothForms(
        reserveAttemptStatement,
        'verifications',
        (db) => db.insertInto('verifications').values(codes).execute(),
        [...codes.map((code) => ({ id: code.id, now: 500 })), { id: 'missing', now: 500 }],
      );
      expect(single.returned.map((slot) => [slot.id, slot.attempts])).toEqual([
        ['last-attempt', 3],
        ['open', 1],
      ]);
      expect(batched).toEqual(single);
    });

    it('settling codes: only a pending code moves, to the status asked for', async () => {
      const { single, batched } = await bothForms(
        settleVerificationStatement,
        'verifications',
        (db) => db.insertInto('verifications').values(codes).execute(),
        [
          { id: 'open', status: 'approved' as const, now: 600 },
          { id: 'last-attempt', status: 'exhausted' as const, now: 600 },
          { id: 'expired', status: 'expired' as const, now: 600 },
          { id: 'approved', status: 'cancelled' as const, now: 600 },
          { id: 'cancelled', status: 'approved' as const, now: 600 },
          { id: 'missing', status: 'approved' as const, now: 600 },
        ],
      );
      expect(single.returned).toEqual([{ id: 'expired' }, { id: 'last-attempt' }, { id: 'open' }]);
      expect(batched).toEqual(single);
    });

    it('counting rate-limit hits: windows that run on, end now, ended, and new buckets', async () => {
      const now = 1_000;
      const { single, batched } = await bothForms(
        incrementBucketsStatement,
        'rate_limit_buckets',
        (db) =>
          db
            .insertInto('rate_limit_buckets')
            .values([
              { key: 'ip:running', hits: 4, reset_at: 5_000 },
              { key: 'phone:ends-now', hits: 9, reset_at: now },
              { key: 'phone:ended', hits: 2, reset_at: 10 },
            ])
            .execute(),
        [
          {
            windows: [
              { key: 'ip:running', resetAt: now + 60_000 },
              { key: 'phone:ends-now', resetAt: now + 60_000 },
            ],
            now,
          },
          { windows: [{ key: 'phone:ended', resetAt: now + 30_000 }], now },
          { windows: [{ key: 'phone:new', resetAt: now + 30_000 }], now },
        ],
      );
      expect(single.returned).toEqual([
        { key: 'ip:running', hits: 5, reset_at: 5_000 },
        { key: 'phone:ended', hits: 1, reset_at: 31_000 },
        { key: 'phone:ends-now', hits: 1, reset_at: 61_000 },
        { key: 'phone:new', hits: 1, reset_at: 31_000 },
      ]);
      expect(batched).toEqual(single);
    });
  },
  { sqlite: 'the batched forms are PostgreSQL statements (unnest); SQLite runs only the single forms' },
);

/** Rows in a stable order, whatever order a statement returned them in. */
function sorted<Row>(rows: Row[]): Row[] {
  return [...rows].sort((left, right) => JSON.stringify(left).localeCompare(JSON.stringify(right)));
}
