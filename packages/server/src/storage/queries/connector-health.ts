import { type Kysely, type Selectable, sql } from 'kysely';
import type { ConnectorHealthTable, Database } from '../schema.ts';

export type ConnectorHealthRow = Selectable<ConnectorHealthTable>;

export async function listConnectorHealth(db: Kysely<Database>): Promise<ConnectorHealthRow[]> {
  return db.selectFrom('connector_health').selectAll().orderBy('connector_id').execute();
}

/**
 * One more failure in a row, atomically across instances; the breaker opens (`open_until`) once
 * `threshold` failures follow each other, and a failed probe after the cool-off opens it again.
 */
export async function recordConnectorFailure(
  db: Kysely<Database>,
  input: { connectorId: string; error: string; now: number; threshold: number; coolOffMs: number },
): Promise<void> {
  const { connectorId, error, now, threshold, coolOffMs } = input;
  const openUntil = now + coolOffMs;
  await db
    .insertInto('connector_health')
    .values({
      connector_id: connectorId,
      consecutive_failures: 1,
      open_until: threshold <= 1 ? openUntil : null,
      last_failure_at: now,
      last_error: error,
      last_success_at: null,
      updated_at: now,
    })
    .onConflict((conflict) =>
      conflict.column('connector_id').doUpdateSet({
        consecutive_failures: sql`connector_health.consecutive_failures + 1`,
        open_until: sql`case when connector_health.consecutive_failures + 1 >= ${threshold} then ${openUntil} else connector_health.open_until end`,
        last_failure_at: now,
        last_error: error,
        updated_at: now,
      }),
    )
    .execute();
}

/** A success closes the breaker and clears the run of failures. */
export async function recordConnectorSuccess(db: Kysely<Database>, connectorId: string, now: number): Promise<void> {
  await db
    .insertInto('connector_health')
    .values({
      connector_id: connectorId,
      consecutive_failures: 0,
      open_until: null,
      last_failure_at: null,
      last_error: null,
      last_success_at: now,
      updated_at: now,
    })
    .onConflict((conflict) =>
      conflict.column('connector_id').doUpdateSet({
        consecutive_failures: 0,
        open_until: null,
        last_success_at: now,
        updated_at: now,
      }),
    )
    .execute();
}

export async function deleteConnectorHealth(db: Kysely<Database>, connectorId: string): Promise<void> {
  await db.deleteFrom('connector_health').where('connector_id', '=', connectorId).execute();
}
