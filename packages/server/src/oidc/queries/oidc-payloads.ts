import type { Kysely, Selectable } from 'kysely';
import type { Database, OidcPayloadsTable } from '../../storage/schema.ts';

export type OidcPayloadRow = Selectable<OidcPayloadsTable>;

/** Insert or replace a record (oidc-provider saves a session or an interaction many times). */
export async function upsertOidcPayload(db: Kysely<Database>, row: OidcPayloadRow): Promise<void> {
  const { model: _model, id: _id, created_at: _created, ...changes } = row;
  await db
    .insertInto('oidc_payloads')
    .values(row)
    .onConflict((conflict) => conflict.columns(['model', 'id']).doUpdateSet(changes))
    .execute();
}

export async function findOidcPayload(
  db: Kysely<Database>,
  model: string,
  id: string,
  now: number,
): Promise<OidcPayloadRow | undefined> {
  return db
    .selectFrom('oidc_payloads')
    .selectAll()
    .where('model', '=', model)
    .where('id', '=', id)
    .where((where) => where.or([where('expires_at', 'is', null), where('expires_at', '>', now)]))
    .executeTakeFirst();
}

export async function findOidcPayloadBy(
  db: Kysely<Database>,
  model: string,
  column: 'uid' | 'user_code',
  value: string,
  now: number,
): Promise<OidcPayloadRow | undefined> {
  return db
    .selectFrom('oidc_payloads')
    .selectAll()
    .where('model', '=', model)
    .where(column, '=', value)
    .where((where) => where.or([where('expires_at', 'is', null), where('expires_at', '>', now)]))
    .executeTakeFirst();
}

/** Marks a code or token as used; oidc-provider refuses it (and revokes its grant) from then on. */
export async function consumeOidcPayload(db: Kysely<Database>, model: string, id: string, now: number): Promise<void> {
  await db
    .updateTable('oidc_payloads')
    .set({ consumed_at: now })
    .where('model', '=', model)
    .where('id', '=', id)
    .execute();
}

export async function deleteOidcPayload(db: Kysely<Database>, model: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('model', '=', model).where('id', '=', id).execute();
}

export async function deleteOidcPayloadsByGrant(db: Kysely<Database>, model: string, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('model', '=', model).where('grant_id', '=', grantId).execute();
}

/** Every record of an end user (suspension, deletion, "sign out everywhere"). */
export async function deleteOidcPayloadsByAccount(db: Kysely<Database>, accountId: string): Promise<number> {
  const result = await db.deleteFrom('oidc_payloads').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Every record of an application (when it is deleted: its grants and tokens end). */
export async function deleteOidcPayloadsByClient(db: Kysely<Database>, clientId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('client_id', '=', clientId).execute();
}

/** An end user's live grants, with when a token was last issued under each. */
export async function listGrantsOfAccount(
  db: Kysely<Database>,
  accountId: string,
  now: number,
): Promise<
  Array<{ grantId: string; clientId: string; createdAt: number; lastUsedAt: number; expiresAt: number | null }>
> {
  const grants = await db
    .selectFrom('oidc_payloads')
    .select(['grant_id', 'client_id', 'created_at', 'expires_at'])
    .where('model', '=', 'Grant')
    .where('account_id', '=', accountId)
    .where((where) => where.or([where('expires_at', 'is', null), where('expires_at', '>', now)]))
    .execute();
  if (grants.length === 0) return [];
  const grantIds = grants.map((grant) => grant.grant_id ?? '');
  const used = await db
    .selectFrom('oidc_payloads')
    .select(['grant_id', (eb) => eb.fn.max('created_at').as('last')])
    .where('grant_id', 'in', grantIds)
    .groupBy('grant_id')
    .execute();
  const lastUse = new Map(used.map((row) => [row.grant_id, Number(row.last)]));
  return grants.map((grant) => ({
    grantId: grant.grant_id ?? '',
    clientId: grant.client_id ?? '',
    createdAt: Number(grant.created_at),
    lastUsedAt: Math.max(Number(grant.created_at), lastUse.get(grant.grant_id) ?? 0),
    expiresAt: grant.expires_at === null ? null : Number(grant.expires_at),
  }));
}

export async function deleteExpiredOidcPayloads(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('oidc_payloads').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
