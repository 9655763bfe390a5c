import type {
  ProtectionBlock,
  ProtectionEvent,
  ProtectionEventPage,
  ProtectionReason,
  ProtectionSettings,
  ProtectionSummary,
} from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import {
  countEventsBy,
  countEventsByHour,
  countMessagesByCountry,
  countMessagesByHour,
  listProtectionEvents,
  listRecentProtectionAlerts,
  type ProtectionEventRow,
} from '../../storage/queries/protection.ts';
import type { Database } from '../../storage/schema.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import { decodeCursor, encodeCursor } from '../page-cursor.ts';
import type { ConversionGuard } from './conversion-guard.ts';
import { dayMs, hourMs } from './send-budgets.ts';

export interface ProtectionEventQuery {
  reason?: ProtectionReason;
  country?: string;
  /** ISO times. */
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
}

const iso = (time: number) => new Date(time).toISOString();

function eventView(row: ProtectionEventRow): ProtectionEvent {
  return {
    id: row.id,
    createdAt: iso(row.created_at),
    reason: row.reason as ProtectionReason,
    enforced: row.enforced === 1,
    country: row.country,
    range: row.range_masked,
    clientIp: row.client_ip,
    source: row.source,
  };
}

/** What the Protection page and GET /api/protection/* read: refusals, blocks, budgets, alerts. */
export function createProtectionReports(deps: {
  db: Kysely<Database>;
  clock: Clock;
  limiter: RateLimiter;
  guard: ConversionGuard;
  settings: { get(): Promise<ProtectionSettings> };
}) {
  const { db, clock } = deps;
  return {
    async events({ cursor, limit, since, until, ...filter }: ProtectionEventQuery): Promise<ProtectionEventPage> {
      const before = cursor ? decodeCursor(cursor) : undefined;
      const rows = await listProtectionEvents(db, {
        ...filter,
        ...(since ? { since: Date.parse(since) } : {}),
        ...(until ? { until: Date.parse(until) } : {}),
        ...(before ? { before } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(eventView),
        nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
      };
    },

    async summary(): Promise<ProtectionSummary> {
      const now = clock.now();
      const firstHour = Math.floor(now / hourMs) - 23;
      const since = firstHour * hourMs;
      const settings = await deps.settings.get();
      const [sentByHour, refusedByHour, ranges, refusedCountries, sentCountries, seen, alerts, used] =
        await Promise.all([
          countMessagesByHour(db, since),
          countEventsByHour(db, since),
          countEventsBy(db, 'range_masked', now - dayMs, 10),
          countEventsBy(db, 'country', now - dayMs, 50),
          countMessagesByCountry(db, now - dayMs, 50),
          countMessagesByCountry(db, now - 30 * dayMs, 250),
          listRecentProtectionAlerts(db, 20),
          deps.limiter.peek(['b:global-hour', 'b:global-day']),
        ]);
      const hours = Array.from({ length: 24 }, (_, index) => ({
        hour: iso((firstHour + index) * hourMs),
        sent: 0,
        refused: {} as Record<string, number>,
      }));
      for (const row of sentByHour) {
        const slot = hours[row.hour - firstHour];
        if (slot) slot.sent += row.count;
      }
      for (const row of refusedByHour) {
        const slot = hours[row.hour - firstHour];
        if (slot) slot.refused[row.reason] = (slot.refused[row.reason] ?? 0) + row.count;
      }
      const countries = new Map<string, { sent: number; refused: number }>();
      const country = (code: string) => {
        const entry = countries.get(code) ?? { sent: 0, refused: 0 };
        countries.set(code, entry);
        return entry;
      };
      for (const row of sentCountries) country(row.country).sent += row.count;
      for (const row of refusedCountries) country(row.value).refused += row.count;
      return {
        hours,
        topRanges: ranges.map((row) => ({ range: row.value, country: row.country, refused: row.count })),
        topCountries: [...countries.entries()]
          .map(([code, counts]) => ({ country: code, ...counts }))
          .sort((left, right) => right.sent + right.refused - (left.sent + left.refused))
          .slice(0, 20),
        countriesSeen: seen.map((row) => ({ country: row.country, sent: row.count })),
        budgets: [
          { name: 'globalHourlyLimit', used: used[0] ?? 0, limit: settings.globalHourlyLimit, resetsAt: null },
          { name: 'globalDailyLimit', used: used[1] ?? 0, limit: settings.globalDailyLimit, resetsAt: null },
        ],
        alerts: alerts.map((row) => ({
          createdAt: iso(row.created_at),
          kind: row.kind,
          subject: row.subject,
          delivered: row.delivered === 1,
        })),
      };
    },

    async blocks(): Promise<ProtectionBlock[]> {
      return (await deps.guard.list()).map((row) => ({
        dimension: row.dimension,
        value: row.value,
        key: row.key,
        sent: row.sent,
        approved: row.approved,
        createdAt: iso(row.created_at),
        until: iso(row.until),
      }));
    },

    async clearBlock(key: string): Promise<void> {
      if (!(await deps.guard.clear(key))) throw new AppError('route.not_found', 'No guard block with this key.');
    },
  };
}

export type ProtectionReports = ReturnType<typeof createProtectionReports>;
