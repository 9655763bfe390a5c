import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { MetricsObserver } from '../metrics/create-metrics.ts';
import type { Storage } from '../storage/database.ts';
import { addRollups, type RollupRow } from '../storage/queries/dashboard-rollups.ts';
import type { Database } from '../storage/schema.ts';

export const minuteMs = 60_000;
export const hourMs = 3_600_000;
export const dayMs = 86_400_000;
/** Provider latency buckets (upper bounds, ms); a call slower than the last counts in the last. */
export const latencyBucketsMs = [100, 250, 500, 1000, 2500, 5000, 10_000, 30_000] as const;

type Key = Pick<RollupRow, 'metric' | 'country' | 'connector' | 'detail'>;

/** Adds a row's counts to the row with the same bucket and key in `rows`, or puts a copy there. */
function mergeInto(rows: Map<string, RollupRow>, row: RollupRow): void {
  const id = [row.bucket, row.metric, row.country, row.connector, row.detail].join('\u0000');
  const seen = rows.get(id);
  if (seen) {
    seen.count += row.count;
    seen.sum_ms += row.sum_ms;
  } else rows.set(id, { ...row });
}

export type RollupRecorder = ReturnType<typeof createRollupRecorder>;

/**
 * Counts sends, checks, refusals, provider calls and receipts per minute in memory, and adds them
 * to the rollup tables (per minute, hour and day) every `flushMs` and on close. One upsert per key
 * and bucket instead of one write per event keeps this off the send path; several instances add
 * their counts to the same rows. What was not flushed yet is lost if the process dies (at most
 * `flushMs` of counts), which a dashboard can afford.
 */
export function createRollupRecorder(deps: {
  db: Kysely<Database>;
  durably: Storage['durably'];
  clock: Clock;
  logger: Pick<Logger, 'warn'>;
  flushMs?: number;
}) {
  let pending = new Map<string, RollupRow>();
  let flushing: Promise<void> = Promise.resolve();

  function add(key: Key, count: number, sumMs = 0): void {
    const now = deps.clock.now();
    mergeInto(pending, { bucket: now - (now % minuteMs), ...key, count, sum_ms: sumMs });
  }

  const where = (country: string | null | undefined, connector: string | null | undefined) => ({
    country: country ?? '',
    connector: connector ?? '',
  });

  const observer: Required<MetricsObserver> = {
    verificationSent(labels) {
      // Refusals are counted by reason (verificationRefused); suppressed sends reach nobody.
      if (labels.outcome !== 'sent' && labels.outcome !== 'failed') return;
      add({ metric: labels.outcome, ...where(labels.country, labels.connector), detail: '' }, 1);
    },
    verificationRefused(reason) {
      add({ metric: 'refusal', country: '', connector: '', detail: reason.slice(0, 100) }, 1);
    },
    verificationChecked(outcome, checked) {
      const metric = outcome === 'approved' ? 'approved' : 'check_failed';
      add({ metric, ...where(checked.country, checked.connector), detail: outcome === 'approved' ? '' : outcome }, 1);
    },
    providerCall(labels, seconds) {
      const ms = Math.max(0, Math.round(seconds * 1000));
      const connector = labels.connector ?? '';
      const outcome = labels.outcome === 'sent' ? 'ok' : 'error';
      add({ metric: 'provider', country: '', connector, detail: outcome }, 1, ms);
      const bound = latencyBucketsMs.find((limit) => ms <= limit) ?? latencyBucketsMs.at(-1);
      add({ metric: 'latency', country: '', connector, detail: String(bound) }, 1);
    },
    receipt(factory, status, connector) {
      if (status !== 'delivered' && status !== 'undelivered') return;
      // By connector when the receipt path names it; never by country (a receipt does not say).
      add({ metric: status, country: '', connector: connector ?? '', detail: factory.slice(0, 100) }, 1);
    },
  };

  async function write(rows: RollupRow[]): Promise<void> {
    await deps.durably(async () => {
      await addRollups(deps.db, 'dashboard_rollup_minutes', rows);
      await addRollups(deps.db, 'dashboard_rollup_hours', rollUp(rows, hourMs));
      await addRollups(deps.db, 'dashboard_rollup_days', rollUp(rows, dayMs));
    });
  }

  /** Adds what was counted so far to the tables; one flush at a time. */
  function flush(): Promise<void> {
    flushing = flushing.then(async () => {
      if (pending.size === 0) return;
      const rows = [...pending.values()];
      pending = new Map();
      try {
        await write(rows);
      } catch (error) {
        // Kept for the next flush (a failed statement in PostgreSQL wrote nothing; a partial write
        // in SQLite's group commit is rare enough to risk counting twice).
        for (const row of rows) mergeInto(pending, row);
        deps.logger.warn({ err: error }, 'dashboard rollups: flush failed, retrying later');
      }
    });
    return flushing;
  }

  const timer = setInterval(() => void flush(), deps.flushMs ?? 5000);
  timer.unref();

  return {
    observer,
    flush,
    /** Stops the timer and writes what is left. */
    async close(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}

/** Minute rows summed into hours or days (UTC). */
function rollUp(rows: readonly RollupRow[], stepMs: number): RollupRow[] {
  const merged = new Map<string, RollupRow>();
  for (const row of rows) mergeInto(merged, { ...row, bucket: row.bucket - (row.bucket % stepMs) });
  return [...merged.values()];
}
