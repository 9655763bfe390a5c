import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { ConnectorsTable, Database } from '../schema.ts';

export type ConnectorRow = Selectable<ConnectorsTable>;

export async function findConnectorById(db: Kysely<Database>, id: string): Promise<ConnectorRow | undefined> {
  return db.selectFrom('connectors').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findActiveConnector(
  db: Kysely<Database>,
  type: ConnectorRow['type'],
): Promise<ConnectorRow | undefined> {
  // The literal matches the partial unique index `where active = 1` in every plan.
  return db
    .selectFrom('connectors')
    .selectAll()
    .where('type', '=', type)
    .where('active', '=', sql.lit(1))
    .executeTakeFirst();
}

export async function listConnectors(db: Kysely<Database>): Promise<ConnectorRow[]> {
  return db.selectFrom('connectors').selectAll().orderBy('active', 'desc').orderBy('updated_at', 'desc').execute();
}

/** Inserts a connector and, when `active`, makes it the only active one of its type, atomically. */
export async function insertConnector(db: Kysely<Database>, row: ConnectorRow): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (row.active) await deactivateConnectorsOfType(trx, row.type, row.updated_at);
    await trx.insertInto('connectors').values(row).execute();
  });
}

export async function updateConnectorById(
  db: Kysely<Database>,
  id: string,
  changes: Updateable<ConnectorsTable>,
): Promise<boolean> {
  const result = await db.updateTable('connectors').set(changes).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Makes `id` the active connector of its type and deactivates the previous one in one transaction. */
export async function activateConnectorById(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('connectors').select(['type', 'active']).where('id', '=', id).executeTakeFirst();
    if (!row) return false;
    if (row.active) return true;
    await deactivateConnectorsOfType(trx, row.type, now);
    await trx.updateTable('connectors').set({ active: 1, updated_at: now }).where('id', '=', id).execute();
    return true;
  });
}

export async function deleteConnectorById(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('connectors').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

async function deactivateConnectorsOfType(db: Kysely<Database>, type: ConnectorRow['type'], now: number) {
  await db
    .updateTable('connectors')
    .set({ active: 0, updated_at: now })
    .where('type', '=', type)
    .where('active', '=', 1)
    .execute();
}
