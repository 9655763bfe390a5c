import { type Kysely, type Selectable, sql } from 'kysely';
import { insertBatcher, unnestInsert } from '../insert-batcher.ts';
import { insertRow, precompiled } from '../precompiled.ts';
import type { Database, VerificationStatus, VerificationsTable } from '../schema.ts';

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
  // The statement's snapshot does not see the other rows of the batch: two sends to one number in
  // the same moment both stay pending (the resend cooldown normally refuses the second).
  sql`id, case when exists (select 1 from verifications older where older.phone = verifications.phone and older.usage = verifications.usage and older.status = 'pending' and older.id <> verifications.id) then 1 else 0 end as older_pending`,
);

const insertVerificationBatched = insertBatcher<Database, VerificationRow, { olderPending: boolean }>({
  insertOne: async (db, row) => {
    const result = await insertVerificationQuery(db, row);
    return { olderPending: Number(result.rows[0]?.older_pending) === 1 };
  },
  insertMany: async (db, rows) => {
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

const findVerificationByIdQuery = precompiled((db: Kysely<Database>, args: { id: string }) =>
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
  return (await reserveVerificationAttemptQuery(db, { id, now })).rows[0];
}

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
  const result = await settlePendingVerificationQuery(db, { id, status, now });
  return (result.numAffectedRows ?? 0n) > 0n;
}

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
