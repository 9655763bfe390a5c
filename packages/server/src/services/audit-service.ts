import { secretMask } from '@passline/connector-kit';
import {
  type AuditAction,
  type AuditActorType,
  type AuditEntry,
  type AuditPage,
  auditActions,
} from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { newId } from '../crypto/codes.ts';
import * as queries from '../storage/queries/audit-log.ts';
import type { Database } from '../storage/schema.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';

export interface AuditActor {
  type: AuditActorType;
  id: string | null;
  name: string | null;
}

export interface AuditTarget {
  type: string;
  id: string | null;
}

export interface AuditEntryInput {
  actor: AuditActor;
  ip: string | null;
  action: AuditAction;
  target: AuditTarget;
  /** Snapshots of what changed. Callers pass views that already hide secrets; `redact` is the second lock. */
  before?: unknown;
  after?: unknown;
}

export interface AuditListFilter {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  ip?: string;
  /** ISO times: entries at or after `from`, before `to`. */
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

// Field names that hold a secret wherever they appear. Views given to the audit log hide secrets
// already (connector configs carry the mask, applications say only whether a secret exists); this
// catches a string that slipped through, so a secret never reaches a table kept for a year.
const secretName = /pass(word|phrase)|secret|token|private|credential|^(api_?)?key$/i;

/** A deep copy with secret-named string values replaced by the mask. */
export function redact(value: unknown, name = ''): unknown {
  if (typeof value === 'string') return name && secretName.test(name) && value !== '' ? secretMask : value;
  if (Array.isArray(value)) return value.map((item) => redact(item, name));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item, key)]));
  }
  return value;
}

/** `connector.update` is itself; `connector` and `connector.*` are every action of the family. */
function actionsMatching(filter: string): string[] {
  const family = filter.endsWith('.*') ? filter.slice(0, -2) : filter.includes('.') ? undefined : filter;
  return family === undefined ? [filter] : auditActions.filter((action) => action.startsWith(`${family}.`));
}

const toJson = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(redact(value)));

function entryView(row: queries.AuditLogRow): AuditEntry {
  return {
    id: row.id,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    actor: { type: row.actor_type as AuditActorType, id: row.actor_id, name: row.actor_name },
    ip: row.ip,
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    before: row.before_json === null ? null : (JSON.parse(row.before_json) as unknown),
    after: row.after_json === null ? null : (JSON.parse(row.after_json) as unknown),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

/**
 * The audit log: an append-only record of administrative changes. `record` is called after a change
 * succeeded (sign-in failures and lockouts are recorded because they are the event). Nothing
 * updates an entry; housekeeping deletes entries past `retentionDays` (0 keeps them forever).
 */
export function createAuditService(deps: { db: Kysely<Database>; clock: Clock; retentionDays?: number }) {
  const { db, clock } = deps;
  const retentionDays = deps.retentionDays ?? 365;

  return {
    retentionDays,

    /** Writes one entry; `executor` lets a caller write it in the transaction of the change itself. */
    async record(entry: AuditEntryInput, executor: Kysely<Database> = db): Promise<void> {
      const now = clock.now();
      await queries.insertAuditLogEntry(executor, {
        id: newId('aud', now),
        created_at: now,
        actor_type: entry.actor.type,
        actor_id: entry.actor.id,
        actor_name: entry.actor.name,
        ip: entry.ip,
        action: entry.action,
        target_type: entry.target.type,
        target_id: entry.target.id,
        before_json: toJson(entry.before),
        after_json: toJson(entry.after),
      });
    },

    /** Whether the same action on the same target from the same address was recorded in the last `withinMs`. */
    async recordedRecently(match: {
      action: AuditAction;
      targetId: string | null;
      ip: string | null;
      withinMs: number;
    }) {
      return queries.auditEntryExistsSince(db, { ...match, since: clock.now() - match.withinMs });
    },

    /** Names an API key actor: the request's principal carries the key's id only. */
    async apiKeyName(id: string): Promise<string | null> {
      return (await queries.findApiKeyName(db, id)) ?? null;
    },

    async list({ cursor, from, to, limit, action, ...filter }: AuditListFilter): Promise<AuditPage> {
      const before = cursor ? decodeCursor(cursor) : undefined;
      const rows = await queries.listAuditLogEntries(db, {
        ...filter,
        ...(action ? { actions: actionsMatching(action) } : {}),
        ...(from ? { since: Date.parse(from) } : {}),
        ...(to ? { until: Date.parse(to) } : {}),
        ...(before ? { before } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(entryView),
        nextCursor: rows.length > limit && last ? encodeCursor(Number(last.created_at), last.id) : null,
      };
    },

    /** Housekeeping: deletes entries past the retention; returns how many. */
    async deleteExpired(): Promise<number> {
      if (retentionDays <= 0) return 0;
      return queries.deleteAuditLogEntriesBefore(db, clock.now() - retentionDays * 86_400_000);
    },
  };
}
