import type { Dashboard, DashboardPrice, DashboardRange } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Storage } from '../storage/database.ts';
import { listConnectors } from '../storage/queries/connectors.ts';
import { deleteRollupsBefore, sumRollups } from '../storage/queries/dashboard-rollups.ts';
import type { Database } from '../storage/schema.ts';
import { createDashboardPrices } from './dashboard-prices.ts';
import { buildDashboard, windowOf } from './dashboard-report.ts';
import { createRollupRecorder } from './rollup-recorder.ts';

/** Minute rows serve the last hour, hour rows the last day, day rows 30 days (kept longer, for later ranges). */
export const retentionMs = {
  dashboard_rollup_minutes: 2 * 86_400_000,
  dashboard_rollup_hours: 35 * 86_400_000,
  dashboard_rollup_days: 400 * 86_400_000,
} as const;

export type DashboardService = ReturnType<typeof createDashboard>;

/** The dashboard slice: the rollup recorder the metrics feed, the prices, and the report. */
export function createDashboard(deps: {
  db: Kysely<Database>;
  durably: Storage['durably'];
  clock: Clock;
  logger: Pick<Logger, 'warn'>;
  cacheMs?: number;
  flushMs?: number;
}) {
  const recorder = createRollupRecorder(deps);
  const prices = createDashboardPrices(deps);

  return {
    recorder,
    prices,
    async get(range: DashboardRange): Promise<Dashboard> {
      // This instance's latest counts first; other instances' arrive within their flush interval.
      await recorder.flush();
      const window = windowOf(range, deps.clock.now());
      const [rows, connectors, priceList] = await Promise.all([
        sumRollups(deps.db, window.table, { since: window.since, until: window.until }),
        listConnectors(deps.db),
        prices.list(),
      ]);
      const factories = new Map(connectors.map((connector) => [connector.id, connector.factory_id]));
      return buildDashboard(window, rows, {
        prices: priceList,
        factoryOf: (connectorId) => factories.get(connectorId) ?? null,
      });
    },
    async updatePrices(next: DashboardPrice[]): Promise<DashboardPrice[]> {
      return prices.replace(next);
    },
    /** Housekeeping: minute rows past two days, hour rows past 35 days, day rows past 400 days. */
    async deleteExpired(): Promise<number> {
      const now = deps.clock.now();
      let deleted = 0;
      for (const [table, keepMs] of Object.entries(retentionMs) as Array<[keyof typeof retentionMs, number]>) {
        deleted += await deleteRollupsBefore(deps.db, table, now - keepMs);
      }
      return deleted;
    },
  };
}
