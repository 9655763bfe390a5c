import type { UserDetails, UserPage, UserSession, UserSummary } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { decodeCursor, encodeCursor } from '../../services/page-cursor.ts';
import type { Database } from '../../storage/schema.ts';
import { findUserById, type UserRow } from '../queries/users.ts';
import { deleteUser, listUsers, setUserSuspendedAt, type UserSearch } from './user-admin-queries.ts';
import type { UserSessionRecord, UserSessionSource } from './user-session-source.ts';

export interface UserAdmin {
  /** End users, newest first, one page at a time; `search` is a user id or part of a number. */
  list(search: string | undefined, cursor: string | undefined, limit: number): Promise<UserPage>;
  /** A user and their sessions in every source, most recently used first. */
  get(id: string): Promise<UserDetails>;
  /** Suspending also ends every session; reinstating starts none. */
  setSuspended(id: string, suspended: boolean): Promise<UserSummary>;
  /** Ends every session, then deletes the user. */
  delete(id: string): Promise<void>;
  /** Ends every session ("sign out everywhere"); how many ended. */
  revokeSessions(id: string): Promise<{ revoked: number }>;
}

/**
 * What admins see of end users and change about them. Sessions come from every source main.ts
 * hands over (Passline's refresh tokens, OpenID Connect grants), so this never reads their tables.
 */
export function createUserAdmin(deps: {
  db: Kysely<Database>;
  clock: Clock;
  sessionSources: readonly UserSessionSource[];
}): UserAdmin {
  const { db, clock, sessionSources } = deps;

  async function existing(id: string): Promise<UserRow> {
    const row = await findUserById(db, id);
    if (!row) throw new AppError('user.not_found');
    return row;
  }

  async function endSessions(id: string): Promise<number> {
    const ended = await Promise.all(sessionSources.map((source) => source.revokeAll(id)));
    return ended.reduce((total, count) => total + count, 0);
  }

  return {
    async list(search, cursor, limit) {
      const after = cursor ? decodeCursor(cursor) : undefined;
      const parsed = parseSearch(search);
      // One row more than asked tells whether there is a next page.
      const rows = await listUsers(db, {
        limit: limit + 1,
        ...(parsed ? { search: parsed } : {}),
        ...(after ? { after } : {}),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(userSummary),
        nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
      };
    },

    async get(id) {
      const row = await existing(id);
      const sessions = (await Promise.all(sessionSources.map((source) => source.list(id)))).flat();
      sessions.sort((a, b) => b.lastUsedAt - a.lastUsedAt);
      return { ...userSummary(row), sessions: sessions.map(sessionView) };
    },

    async setSuspended(id, suspended) {
      const now = clock.now();
      const row = await setUserSuspendedAt(db, id, suspended ? now : null, now);
      if (!row) throw new AppError('user.not_found');
      // The flag first: a session refreshed between the two steps then meets the suspension.
      if (suspended) await endSessions(id);
      return userSummary(row);
    },

    async delete(id) {
      await existing(id);
      // Sources without a foreign key to users (OpenID Connect grants) would otherwise outlive the user.
      await endSessions(id);
      if (!(await deleteUser(db, id))) throw new AppError('user.not_found');
    },

    async revokeSessions(id) {
      await existing(id);
      return { revoked: await endSessions(id) };
    },
  };
}

/**
 * `usr_…` is an id, matched exactly. Anything else is part of a number as people write it: spaces,
 * dashes, dots and parentheses go, the rest must appear in the E.164 number. Blank: no search.
 */
function parseSearch(search: string | undefined): UserSearch | undefined {
  const value = search?.trim() ?? '';
  if (value.startsWith('usr_')) return { id: value };
  const phoneContains = value.replace(/[\s\-.()]/g, '');
  return phoneContains === '' ? undefined : { phoneContains };
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function userSummary(row: UserRow): UserSummary {
  return {
    id: row.id,
    phone: row.phone,
    hasPassword: row.password_hash !== null,
    suspended: row.suspended_at !== null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    lastSignInAt: row.last_sign_in_at === null ? null : iso(row.last_sign_in_at),
  };
}

function sessionView(session: UserSessionRecord): UserSession {
  return {
    id: session.id,
    kind: session.kind,
    application: session.application,
    createdAt: iso(session.createdAt),
    lastUsedAt: iso(session.lastUsedAt),
    expiresAt: session.expiresAt === null ? null : iso(session.expiresAt),
  };
}
