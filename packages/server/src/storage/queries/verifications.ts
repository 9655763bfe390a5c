import { type Kysely, type Selectable, sql } from 'kysely';
import { insertRow, precompiled } from '../precompiled.ts';
import type { Database, VerificationStatus, VerificationsTable } from '../schema.ts';
import { statementBatcher, unnestInsert } from '../statement-batcher.ts';

// The send and check paths run these statements on every request: they are compiled once (see
// precompiled.ts). The rest of the file builds its queries per call.

export type VerificationRow = Selectable<VerificationsTable>;

export const insertVerificationQuery = precompiled((db: Kysely<Database>, row: VerificationRow) =>
  db
    .insertInto('verifications')
    .values(
      insertRow(row, {
        id: true,
        phone: true,
        usage: true,
        code_hash: true,
        status: true,
        attempts: true,
        max_attempts: true,
        expires_at: true,
        created_at: true,
        updated_at: true,
        connector_id: true,
        ip: true,
      }),
    )
    // Whether an older code is still pending, so the send only cancels when there is something to
    // cancel (most sends are the first for their number). 'pending' is a literal: see below.
    .returning(
      sql<number>`case when exists (select 1 from verifications older where older.phone = ${row.phone} and older.usage = ${row.usage} and older.status = 'pending' and older.id <> ${row.id}) then 1 else 0 end`.as(
        'older_pending',
      ),
    ),
);

/** On PostgreSQL, the rows of concurrent sends go in one statement; each learns its own answer. */
export const insertVerificationsQuery = unnestInsert<Database, VerificationRow, { id: string; older_pending: number }>(
  'verifications',
  [
    ['id', 'text'],
    ['phone', 'text'],
    ['usage', 'text'],
    ['code_hash', 'text'],
    ['status', 'text'],
    ['attempts', 'integer'],
    ['max_attempts', 'integer'],
    ['expires_at', 'bigint'],
    ['created_at', 'bigint'],
    ['updated_at', 'bigint'],
    ['connector_id', 'text'],
    ['ip', 'text'],
  ],
  {
    // The statement's snapshot does not see the other rows of the batch: two sends to one number in
    // the same moment both stay pending (the resend cooldown normally refuses the second).
    returning: sql`id, case when exists (select 1 from verifications older where older.phone = verifications.phone and older.usage = verifications.usage and older.status = 'pending' and older.id <> verifications.id) then 1 else 0 end as older_pending`,
  },
);

const insertVerificationBatched = statementBatcher<Database, VerificationRow, { olderPending: boolean }>({
  one: async (db, row) => {
    const result = await insertVerificationQuery(db, row);
    return { olderPending: Number(result.rows[0]?.older_pending) === 1 };
  },
  many: async (db, rows) => {
    const returned = await insertVerificationsQuery(db, rows);
    const older = new Map(returned.map((row) => [row.id, Number(row.older_pending) === 1]));
    return rows.map((row) => ({ olderPending: older.get(row.id) ?? false }));
  },
});

/** Stores a new verification; says whether an older code for the same number and usage is still pending. */
export async function insertVerification(
  db: Kysely<Database>,
  row: VerificationRow,
): Promise<{ olderPending: boolean }> {
  return insertVerificationBatched(db, row);
}

export const findVerificationByIdQuery = precompiled((db: Kysely<Database>, args: { id: string }) =>
  db.selectFrom('verifications').selectAll().where('id', '=', args.id),
);

export async function findVerificationById(db: Kysely<Database>, id: string): Promise<VerificationRow | undefined> {
  return (await findVerificationByIdQuery(db, { id })).rows[0];
}

/**
 * Takes one attempt slot, atomically: only a pending, unexpired code with attempts left gets one,
 * so concurrent guesses can never evaluate more codes than the attempt limit.
 */
export async function reserveVerificationAttempt(
  db: Kysely<Database>,
  id: string,
  now: number,
): Promise<Pick<VerificationRow, 'attempts' | 'max_attempts' | 'code_hash'> | undefined> {
  return reserveVerificationAttemptBatched(db, { id, now });
}

type AttemptSlot = Pick<VerificationRow, 'attempts' | 'max_attempts' | 'code_hash'>;

/**
 * On PostgreSQL, concurrent checks reserve their attempts in one statement. Each row is still
 * updated atomically with the same conditions; two checks of one code never share a statement
 * (an UPDATE changes a row once), so each gets its own slot or its own refusal.
 */
const reserveVerificationAttemptBatched = statementBatcher<
  Database,
  { id: string; now: number },
  AttemptSlot | undefined
>({
  one: async (db, args) => (await reserveVerificationAttemptQuery(db, args)).rows[0],
  many: async (db, items) => {
    const rows = (
      await reserveVerificationAttemptsQuery(db, {
        ids: items.map((item) => item.id),
        nows: items.map((item) => item.now),
      })
    ).rows;
    const slots = new Map(rows.map((row) => [row.id, row]));
    return items.map((item) => {
      const slot = slots.get(item.id);
      return slot ? { attempts: slot.attempts, max_attempts: slot.max_attempts, code_hash: slot.code_hash } : undefined;
    });
  },
  key: (item) => item.id,
});

export const reserveVerificationAttemptsQuery = precompiled(
  (_db: Kysely<Database>, args: { ids: string[]; nows: number[] }) =>
    sql<
      AttemptSlot & { id: string }
    >`update verifications as v set attempts = v.attempts + 1, updated_at = b.now from unnest(${args.ids}::text[], ${args.nows}::bigint[]) as b(id, now) where v.id = b.id and v.status = 'pending' and v.expires_at > b.now and v.attempts < v.max_attempts returning v.id, v.attempts, v.max_attempts, v.code_hash`,
);

const reserveVerificationAttemptQuery = precompiled((db: Kysely<Database>, args: { id: string; now: number }) =>
  db
    .updateTable('verifications')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: args.now }))
    .where('id', '=', args.id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', args.now)
    .whereRef('attempts', '<', 'max_attempts')
    .returning(['attempts', 'max_attempts', 'code_hash']),
);

/** Moves a pending verification to `status`; false when it was no longer pending (someone else won). */
export async function settlePendingVerification(
  db: Kysely<Database>,
  id: string,
  status: Exclude<VerificationStatus, 'pending'>,
  now: number,
): Promise<boolean> {
  return settlePendingVerificationBatched(db, { id, status, now });
}

type Settlement = { id: string; status: Exclude<VerificationStatus, 'pending'>; now: number };

/** On PostgreSQL, concurrent approvals (and other settlements) share one conditional update. */
const settlePendingVerificationBatched = statementBatcher<Database, Settlement, boolean>({
  one: async (db, item) => ((await settlePendingVerificationQuery(db, item)).numAffectedRows ?? 0n) > 0n,
  many: async (db, items) => {
    const settled = new Set(
      (
        await settlePendingVerificationsQuery(db, {
          ids: items.map((item) => item.id),
          statuses: items.map((item) => item.status),
          nows: items.map((item) => item.now),
        })
      ).rows.map((row) => row.id),
    );
    return items.map((item) => settled.has(item.id));
  },
  key: (item) => item.id,
});

export const settlePendingVerificationsQuery = precompiled(
  (_db: Kysely<Database>, args: { ids: string[]; statuses: string[]; nows: number[] }) =>
    sql<{
      id: string;
    }>`update verifications as v set status = b.status, updated_at = b.now from unnest(${args.ids}::text[], ${args.statuses}::text[], ${args.nows}::bigint[]) as b(id, status, now) where v.id = b.id and v.status = 'pending' returning v.id`,
);

const settlePendingVerificationQuery = precompiled(
  (db: Kysely<Database>, args: { id: string; status: Exclude<VerificationStatus, 'pending'>; now: number }) =>
    db
      .updateTable('verifications')
      .set({ status: args.status, updated_at: args.now })
      .where('id', '=', args.id)
      .where('status', '=', 'pending'),
);

/** The statement behind cancelOtherPendingVerifications, exposed so a test can check its plan. */
export function cancelOtherPendingVerificationsQuery(
  db: Kysely<Database>,
  phone: string,
  usage: string,
  keepId: string,
  now: number,
) {
  return (
    db
      .updateTable('verifications')
      .set({ status: 'cancelled', updated_at: now })
      .where('phone', '=', phone)
      .where('usage', '=', usage)
      // A literal, not a parameter: it must match the partial index's predicate in every plan,
      // including PostgreSQL's generic plans for prepared statements.
      .where('status', '=', sql.lit('pending'))
      .where('id', '!=', keepId)
  );
}

/** Cancels the other pending codes for the same number and usage once a new one was delivered. */
export async function cancelOtherPendingVerifications(
  db: Kysely<Database>,
  phone: string,
  usage: string,
  keepId: string,
  now: number,
): Promise<number> {
  const result = await cancelOtherPendingVerificationsPrecompiled(db, { phone, usage, keepId, now });
  return Number(result.numAffectedRows ?? 0n);
}

const cancelOtherPendingVerificationsPrecompiled = precompiled(
  (db: Kysely<Database>, args: { phone: string; usage: string; keepId: string; now: number }) =>
    cancelOtherPendingVerificationsQuery(db, args.phone, args.usage, args.keepId, args.now),
);
