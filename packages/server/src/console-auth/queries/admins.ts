import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AdminsTable, Database } from '../../storage/schema.ts';

export type AdminRow = Selectable<AdminsTable>;
type Db = Kysely<Database> | Transaction<Database>;

export async function insertAdmin(db: Db, row: AdminRow): Promise<void> {
  await db.insertInto('admins').values(row).execute();
}

export async function findAdminByUsername(db: Db, username: string): Promise<AdminRow | undefined> {
  return db.selectFrom('admins').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findAdminById(db: Db, id: string): Promise<AdminRow | undefined> {
  return db.selectFrom('admins').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function anyAdminExists(db: Db): Promise<boolean> {
  return (await db.selectFrom('admins').select('id').limit(1).executeTakeFirst()) !== undefined;
}
