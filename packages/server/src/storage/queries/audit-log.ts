import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, Database } from '../schema.ts';

export type AuditLogRow = Selectable<AuditLogTable>;

// The audit log is append-only: there is an insert, a filtered read, and the retention delete.
// No update exists, and no delete by id.

export async function insertAuditLogEntry(db: Kysely<Database>, row: AuditLogRow): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

export interface AuditLogFilter {
  actor?: string;
  /** Any of these actions. */
  actions?: string[];
  targetType?: string;
  targetId?: string;
  ip?: string;
  since?: number;
  until?: number;
  /** Keyset pagination: rows strictly older than this (created_at, id) pair. */
  before?: { createdAt: number; id: string };
  limit: number;
}

export async function listAuditLogEntries(db: Kysely<Database>, filter: AuditLogFilter): Promise<AuditLogRow[]> {
  let query = db.selectFrom('audit_log').selectAll();
  // An actor is named by id (adm_…, key_…) or by name (an admin's username, a key's name).
  if (filter.actor) {
    const actor = filter.actor;
    query = query.where((eb) => eb.or([eb('actor_id', '=', actor), eb('actor_name', '=', actor)]));
  }
  if (filter.actions) {
    if (filter.actions.length === 0) return [];
    query = query.where('action', 'in', filter.actions);
  }
  if (filter.targetType) query = query.where('target_type', '=', filter.targetType);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  if (filter.ip) query = query.where('ip', '=', filter.ip);
  if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('created_at', '<', filter.until);
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Whether an entry like this one was written since `since` (one lockout entry per lockout, not per refusal). */
export async function auditEntryExistsSince(
  db: Kysely<Database>,
  match: { action: string; targetId: string | null; ip: string | null; since: number },
): Promise<boolean> {
  let query = db
    .selectFrom('audit_log')
    .select('id')
    .where('action', '=', match.action)
    .where('created_at', '>=', match.since);
  query =
    match.targetId === null ? query.where('target_id', 'is', null) : query.where('target_id', '=', match.targetId);
  query = match.ip === null ? query.where('ip', 'is', null) : query.where('ip', '=', match.ip);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

/** Housekeeping: entries older than the retention. */
export async function deleteAuditLogEntriesBefore(db: Kysely<Database>, before: number): Promise<number> {
  const result = await db.deleteFrom('audit_log').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** An API key's name, for naming the actor (the request's principal carries the id only). */
export async function findApiKeyName(db: Kysely<Database>, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('api_keys').select('name').where('id', '=', id).executeTakeFirst();
  return row?.name;
}
