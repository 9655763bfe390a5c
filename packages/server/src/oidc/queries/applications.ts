import type { Kysely, Selectable, Updateable } from 'kysely';
import type { ApplicationsTable, Database } from '../../storage/schema.ts';

export type ApplicationRow = Selectable<ApplicationsTable>;

export async function insertApplication(db: Kysely<Database>, row: ApplicationRow): Promise<void> {
  await db.insertInto('applications').values(row).execute();
}

export async function listApplications(db: Kysely<Database>): Promise<ApplicationRow[]> {
  return db.selectFrom('applications').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function findApplication(db: Kysely<Database>, id: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findApplicationNames(
  db: Kysely<Database>,
  ids: string[],
): Promise<Array<Pick<ApplicationRow, 'id' | 'name'>>> {
  if (ids.length === 0) return [];
  return db.selectFrom('applications').select(['id', 'name']).where('id', 'in', ids).execute();
}

export async function updateApplication(
  db: Kysely<Database>,
  id: string,
  changes: Updateable<ApplicationsTable>,
): Promise<boolean> {
  const result = await db.updateTable('applications').set(changes).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteApplication(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('applications').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
