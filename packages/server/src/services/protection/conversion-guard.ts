import type { ProtectionSettings } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import {
  deleteProtectionBlock,
  listActiveProtectionBlocks,
  type ProtectionBlockRow,
  upsertProtectionBlock,
} from '../../storage/queries/protection.ts';
import type { Database } from '../../storage/schema.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import type { AlertSender } from './alert-sender.ts';
import { dayMs, dayOf, type GuardDimension, tallyKey, tallyWindowMs } from './send-budgets.ts';

/** Sent and entered codes over the last 24 hours of one range, IP or country. */
export interface Conversion {
  sent: number;
  approved: number;
}

/**
 * The last 24 hours from two daily tallies: today's, plus yesterday's weighted by the share of
 * yesterday still inside the window (a sliding window from fixed ones, as most rate limiters do).
 */
export function slidingDay(today: number, yesterday: number, now: number): number {
  return today + yesterday * (1 - (now % dayMs) / dayMs);
}

/** A range or client IP trips when it has had enough codes to judge and too few of them were entered. */
export function lowConversion(settings: ProtectionSettings, last24h: Conversion): boolean {
  return last24h.sent >= settings.guardMinSends && last24h.approved < settings.guardMinRate * last24h.sent;
}

/**
 * How many unentered codes a country may have in 24 hours: a floor, or a share of its busiest day
 * of entered codes (over the last 14 days, or the last 24 hours if busier), whichever is larger.
 * Normal days and launch spikes (many codes, most of them entered) stay under it; a pumping day
 * (many codes, few entered) does not, however quiet the country usually is.
 */
export function countryAllowance(
  settings: ProtectionSettings,
  approvedLast24h: number,
  approvedPerDay: readonly number[],
): number {
  const busiest = Math.max(approvedLast24h, ...approvedPerDay);
  return Math.max(settings.guardCountryFloor, settings.guardCountryShare * busiest);
}

export function countryTrips(
  settings: ProtectionSettings,
  last24h: Conversion,
  approvedPerDay: readonly number[],
): boolean {
  return last24h.sent - last24h.approved > countryAllowance(settings, last24h.approved, approvedPerDay);
}

/** What the guard judges: a range, client IP or country, and how the console shows it. */
interface Subject {
  dimension: GuardDimension;
  value: string;
  shown: string;
}

const reevaluateMs = 5_000;

/**
 * The conversion guard: codes that are never entered are the mark of SMS pumping. It tallies each
 * send and each entered code per range, client IP and country, judges what the tallies touched when
 * it writes them (once a second), and blocks what trips for `guardBlockMinutes` (judged again when
 * new sends are tallied after that). Blocks are rows every instance reads (cached for 2 s), and an
 * admin can clear one.
 */
export function createConversionGuard(deps: {
  db: Kysely<Database>;
  limiter: RateLimiter;
  clock: Clock;
  alerts: AlertSender;
  settings: { get(): Promise<ProtectionSettings> };
  /** A flush that failed (the database or Redis unreachable): its tallies are lost, the guard goes on. */
  onError: (error: unknown) => void;
  /** How long this instance trusts its copy of the block list; default 2 s. */
  cacheMs?: number;
  /** How often waiting tallies are written; default 1 s. */
  flushMs?: number;
}) {
  const { db, limiter, clock } = deps;
  const blockCacheMs = deps.cacheMs ?? 2_000;
  let active: { keys: Set<string>; until: number } = { keys: new Set(), until: 0 };
  let loading: Promise<Set<string>> | undefined;
  /**
   * When each key was last judged on this instance, and at what count: a busy range is not re-read
   * on every send, but a fast attack is judged again as its count grows (by 5 %), not only by time.
   */
  const judged = new Map<string, { at: number; sent: number }>();

  async function activeKeys(): Promise<Set<string>> {
    const now = clock.now();
    if (active.until > now) return active.keys;
    loading ??= listActiveProtectionBlocks(db, now)
      .then((rows) => {
        active = { keys: new Set(rows.map((row) => row.key)), until: clock.now() + blockCacheMs };
        return active.keys;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  function dueForJudging(key: string, sentToday: number, now: number): boolean {
    const last = judged.get(key);
    if (
      last !== undefined &&
      now - last.at < Math.min(reevaluateMs, blockCacheMs) &&
      sentToday < last.sent + Math.max(1, Math.ceil(last.sent * 0.05))
    ) {
      return false;
    }
    if (judged.size > 10_000) judged.clear();
    judged.set(key, { at: now, sent: sentToday });
    return true;
  }

  async function lastDay(dimension: GuardDimension, value: string, sentToday: number, now: number) {
    const day = dayOf(now);
    const [sentYesterday = 0, approvedToday = 0, approvedYesterday = 0, ...earlier] = await limiter.peek([
      tallyKey.sent(dimension, value, day - 1),
      tallyKey.approved(dimension, value, day),
      tallyKey.approved(dimension, value, day - 1),
      ...(dimension === 'country'
        ? Array.from({ length: 13 }, (_, back) => tallyKey.approved(dimension, value, day - 2 - back))
        : []),
    ]);
    return {
      last24h: {
        sent: slidingDay(sentToday, sentYesterday, now),
        approved: slidingDay(approvedToday, approvedYesterday, now),
      },
      approvedPerDay: [approvedYesterday, ...earlier],
    };
  }

  async function block(
    settings: ProtectionSettings,
    dimension: GuardDimension,
    value: string,
    shown: string,
    last24h: Conversion,
  ) {
    const now = clock.now();
    const row: ProtectionBlockRow = {
      key: `${dimension}:${value}`,
      dimension,
      value: shown,
      sent: Math.round(last24h.sent),
      approved: Math.round(last24h.approved),
      created_at: now,
      until: now + settings.guardBlockMinutes * 60_000,
    };
    await upsertProtectionBlock(db, row);
    active.keys.add(row.key);
    deps.alerts.alert({
      kind: `guard.${dimension}`,
      subject: shown,
      details: { sent: row.sent, approved: row.approved, until: new Date(row.until).toISOString() },
    });
  }

  async function judge(settings: ProtectionSettings, subject: Subject, sentToday: number): Promise<void> {
    const now = clock.now();
    const { dimension, value, shown } = subject;
    const threshold =
      dimension === 'country' ? Math.ceil(settings.guardCountryFloor / 2) : Math.ceil(settings.guardMinSends / 2);
    if (sentToday < threshold || !dueForJudging(`${dimension}:${value}`, sentToday, now)) return;
    const { last24h, approvedPerDay } = await lastDay(dimension, value, sentToday, now);
    const trips =
      dimension === 'country' ? countryTrips(settings, last24h, approvedPerDay) : lowConversion(settings, last24h);
    if (trips) await block(settings, dimension, value, shown, last24h);
  }

  /**
   * Tallies wait here and are written once a second in one statement: a send or a check does not pay
   * for the guard's rows, and counts of a busy range or country are added up first. The guard sees a
   * send at most a second (plus the block list's cache) after it; budgets, which must be exact, are
   * counted with each send instead. A crash loses at most a second of tallies.
   */
  const pending = new Map<string, { count: number; windowMs: number; subject: Subject | undefined }>();
  function tallyLater(key: string, windowMs: number, subject?: Subject) {
    const entry = pending.get(key);
    if (entry) entry.count += 1;
    else pending.set(key, { count: 1, windowMs, subject });
  }

  let flushing: Promise<void> = Promise.resolve();
  function flush(): Promise<void> {
    flushing = flushing.then(async () => {
      if (pending.size === 0) return;
      const entries = [...pending.entries()];
      pending.clear();
      try {
        const totals = await limiter.add(entries.map(([key, entry]) => ({ key, ...entry })));
        const settings = await deps.settings.get();
        if (!settings.guardEnabled) return;
        for (const [index, [, entry]] of entries.entries()) {
          if (entry.subject) await judge(settings, entry.subject, totals[index] ?? 0);
        }
      } catch (error) {
        deps.onError(error);
      }
    });
    return flushing;
  }
  const timer = setInterval(() => void flush(), deps.flushMs ?? 1_000);
  timer.unref();

  return {
    /** The block key that refuses this send, if any. */
    async blocking(keys: readonly string[]): Promise<string | undefined> {
      const blocked = await activeKeys();
      if (blocked.size === 0) return undefined;
      return keys.find((key) => blocked.has(key));
    },

    /** Whether anything is blocked right now (the adaptive challenge asks while it is). */
    async anyBlocked(): Promise<boolean> {
      return (await activeKeys()).size > 0;
    },

    /** Counts a send for the guard: its range, country and client IP, today. Judged at the next flush. */
    sent(subjects: { range: string; shownRange: string; country: string; ip: string | undefined; at: number }) {
      const day = dayOf(subjects.at);
      tallyLater(tallyKey.sent('range', subjects.range, day), tallyWindowMs.range, {
        dimension: 'range',
        value: subjects.range,
        shown: subjects.shownRange,
      });
      tallyLater(tallyKey.sent('country', subjects.country, day), tallyWindowMs.country, {
        dimension: 'country',
        value: subjects.country,
        shown: subjects.country,
      });
      if (subjects.ip !== undefined) {
        tallyLater(tallyKey.sent('ip', subjects.ip, day), tallyWindowMs.ip, {
          dimension: 'ip',
          value: subjects.ip,
          shown: subjects.ip,
        });
      }
    },

    /** Counts an entered code for the day it was sent, in its range, country and client IP. */
    approved(subjects: { range: string; country: string; ip: string | undefined; sentAt: number }) {
      const day = dayOf(subjects.sentAt);
      tallyLater(tallyKey.approved('range', subjects.range, day), tallyWindowMs.range);
      tallyLater(tallyKey.approved('country', subjects.country, day), tallyWindowMs.country);
      if (subjects.ip !== undefined) tallyLater(tallyKey.approved('ip', subjects.ip, day), tallyWindowMs.ip);
    },

    /** Writes the waiting tallies and judges what they touched (the timer calls it every second). */
    flush,

    stop() {
      clearInterval(timer);
    },

    list: () => listActiveProtectionBlocks(db, clock.now()),

    async clear(key: string): Promise<boolean> {
      const removed = await deleteProtectionBlock(db, key);
      active.keys.delete(key);
      judged.delete(key);
      return removed;
    },
  };
}

export type ConversionGuard = ReturnType<typeof createConversionGuard>;
