import { type Kysely, type Selectable, sql } from 'kysely';
import { type Columns, insertRow, precompiled, precompiledUnnest } from '../precompiled.ts';
import type { Database, VerificationStatus, VerificationsTable } from '../schema.ts';
import { batchedStatement, unnestInsert } from '../statement-batcher.ts';

// The send and check paths run the first three statements below on every request. Each is declared
// once (see batchedStatement), always in this order: its batch key, its single form (`one`: what
// SQLite runs, and PostgreSQL for a request alone in its event-loop turn), its batched form (`many`:
// PostgreSQL, one statement for the concurrent requests of a turn), the key of a returned row; then
// the function the services call. Both forms are compiled once (see precompiled.ts), and
// test/batched-statements.test.ts runs them on the same rows so their conditions cannot drift.
//
// These writes commit synchronously on both engines: a code, an attempt or an approval that was
// answered must survive a crash (unlike the message log, see logAppender).

export type VerificationRow = Selectable<VerificationsTable>;

/**
 * A send stores its code and learns whether an older code for the same number and usage is still
 * pending, so it only cancels when there is something to cancel (most sends are the first for their
 * number). 'pending' is a literal in both forms: see cancelOtherPendingVerificationsQuery.
 *
 * In the batched form the statement's snapshot does not see the other rows of the batch: two sends
 * to one number in the same moment both stay pending (the resend cooldown normally refuses the
 * second).
 */
export const insertVerificationStatement = batchedStatement({
  key: (row: VerificationRow) => row.id,
  one: precompiled((db: Kysely<Database>, row: VerificationRow) =>
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
          country: true,
        }),
      )
      .returning([
        'id',
        sql<number>`
          case when exists (
            select 1 from verifications older
            where older.phone = ${row.phone}
              and older.usage = ${row.usage}
              and older.status = 'pending'
              and older.id <> ${row.id}
          ) then 1 else 0 end`.as('older_pending'),
      ]),
  ),
  many: unnestInsert<Database, VerificationRow, { id: string; older_pending: number }>(
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
      ['country', 'text'],
    ],
    {
      returning: sql`
        id,
        case when exists (
          select 1 from verifications older
          where older.phone = verifications.phone
            and older.usage = verifications.usage
            and older.status = 'pending'
            and older.id <> verifications.id
        ) then 1 else 0 end as older_pending`,
    },
  ),
  rowKey: (inserted: { id: string; older_pending: number }) => inserted.id,
});

/** Stores a new verification; says whether an older code for the same number and usage is still pending. */
export async function insertVerification(
  db: Kysely<Database>,
  row: VerificationRow,
): Promise<{ olderPending: boolean }> {
  const [inserted] = await insertVerificationStatement(db, row);
  return { olderPending: Number(inserted?.older_pending) === 1 };
}

type AttemptRequest = { id: string; now: number };
type AttemptSlot = Pick<
  VerificationRow,
  'attempts' | 'max_attempts' | 'code_hash' | 'phone' | 'ip' | 'country' | 'created_at' | 'connector_id'
>;

/**
 * A check takes one attempt slot, atomically: only a pending, unexpired code with attempts left
 * gets one, so concurrent guesses can never evaluate more codes than the attempt limit. The batched
 * form updates each row with the same conditions; two checks of one code never share a statement
 * (the key), so each gets its own slot or its own refusal.
 */
export const reserveAttemptStatement = batchedStatement({
  key: (request: AttemptRequest) => request.id,
  one: precompiled((db: Kysely<Database>, request: AttemptRequest) =>
    db
      .updateTable('verifications')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: request.now }))
      .where('id', '=', request.id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', request.now)
      .whereRef('attempts', '<', 'max_attempts')
      .returning([
        'id',
        'attempts',
        'max_attempts',
        'code_hash',
        'phone',
        'ip',
        'country',
        'created_at',
        'connector_id',
      ]),
  ),
  many: precompiledUnnest(
    (_db: Kysely<Database>, requests: Columns<AttemptRequest>) =>
      sql<AttemptSlot & { id: string }>`
      update verifications as v
      set attempts = v.attempts + 1, updated_at = r.now
      from unnest(${requests.id}::text[], ${requests.now}::bigint[]) as r (id, now)
      where v.id = r.id
        and v.status = 'pending'
        and v.expires_at > r.now
        and v.attempts < v.max_attempts
      returning v.id, v.attempts, v.max_attempts, v.code_hash, v.phone, v.ip, v.country, v.created_at,
        v.connector_id`,
  ),
  rowKey: (slot: AttemptSlot & { id: string }) => slot.id,
});

/** Takes one attempt slot of a pending, unexpired code with attempts left; undefined otherwise. */
export async function reserveVerificationAttempt(
  db: Kysely<Database>,
  id: string,
  now: number,
): Promise<AttemptSlot | undefined> {
  const [slot] = await reserveAttemptStatement(db, { id, now });
  return (
    slot && {
      attempts: slot.attempts,
      max_attempts: slot.max_attempts,
      code_hash: slot.code_hash,
      phone: slot.phone,
      ip: slot.ip,
      country: slot.country,
      created_at: slot.created_at,
      connector_id: slot.connector_id,
    }
  );
}

type Settlement = { id: string; status: Exclude<VerificationStatus, 'pending'>; now: number };

const settleOne = precompiled((db: Kysely<Database>, settlement: Settlement) =>
  db
    .updateTable('verifications')
    .set({ status: settlement.status, updated_at: settlement.now })
    .where('id', '=', settlement.id)
    .where('status', '=', 'pending'),
);

/**
 * Approval, expiry, exhaustion or cancellation: a pending code moves to its final status once.
 * Concurrent settlements of one code never share a statement (the key), so exactly one of them
 * wins; the others find it no longer pending.
 */
export const settleVerificationStatement = batchedStatement({
  key: (settlement: Settlement) => settlement.id,
  // The single form reports the row by its update count: without `returning`, SQLite runs it as a
  // plain statement, 2 µs less on every approval (measured with the storage micro-benchmark).
  one: async (db: Kysely<Database>, settlement: Settlement) => {
    const result = await settleOne(db, settlement);
    return { rows: Number(result.numAffectedRows ?? 0) > 0 ? [{ id: settlement.id }] : [] };
  },
  many: precompiledUnnest(
    (_db: Kysely<Database>, settlements: Columns<Settlement>) =>
      sql<{ id: string }>`
      update verifications as v
      set status = s.status, updated_at = s.now
      from unnest(${settlements.id}::text[], ${settlements.status}::text[], ${settlements.now}::bigint[])
        as s (id, status, now)
      where v.id = s.id
        and v.status = 'pending'
      returning v.id`,
  ),
  rowKey: (settled: { id: string }) => settled.id,
});

/** Moves a pending verification to `status`; false when it was no longer pending (someone else won). */
export async function settlePendingVerification(
  db: Kysely<Database>,
  id: string,
  status: Exclude<VerificationStatus, 'pending'>,
  now: number,
): Promise<boolean> {
  return (await settleVerificationStatement(db, { id, status, now })).length > 0;
}

export const findVerificationByIdQuery = precompiled((db: Kysely<Database>, args: { id: string }) =>
  db.selectFrom('verifications').selectAll().where('id', '=', args.id),
);

export async function findVerificationById(db: Kysely<Database>, id: string): Promise<VerificationRow | undefined> {
  return (await findVerificationByIdQuery(db, { id })).rows[0];
}

type Cancellation = { phone: string; usage: string; keepId: string; now: number };

/** The statement behind cancelOtherPendingVerifications, exposed so a test can check its plan. */
export const cancelOtherPendingVerificationsQuery = precompiled((db: Kysely<Database>, args: Cancellation) =>
  db
    .updateTable('verifications')
    .set({ status: 'cancelled', updated_at: args.now })
    .where('phone', '=', args.phone)
    .where('usage', '=', args.usage)
    // A literal, not a parameter: it must match the partial index's predicate in every plan,
    // including PostgreSQL's generic plans for prepared statements.
    .where('status', '=', sql.lit('pending'))
    .where('id', '!=', args.keepId),
);

/** Cancels the other pending codes for the same number and usage once a new one was delivered. */
export async function cancelOtherPendingVerifications(
  db: Kysely<Database>,
  phone: string,
  usage: string,
  keepId: string,
  now: number,
): Promise<number> {
  const result = await cancelOtherPendingVerificationsQuery(db, { phone, usage, keepId, now });
  return Number(result.numAffectedRows ?? 0n);
}
