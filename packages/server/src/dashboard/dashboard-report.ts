import type { Dashboard, DashboardPoint, DashboardPrice, DashboardRange } from '@passline/contracts';
import type { RollupRow, RollupTable } from '../storage/queries/dashboard-rollups.ts';
import { priceFor } from './dashboard-prices.ts';
import { dayMs, hourMs, latencyBucketsMs, minuteMs } from './rollup-recorder.ts';

export interface RangeWindow {
  range: DashboardRange;
  table: RollupTable;
  stepMs: number;
  since: number;
  until: number;
}

/** The last hour by minute, the last day by hour and 30 days by day: each from its own table. */
export function windowOf(range: DashboardRange, now: number): RangeWindow {
  const [table, stepMs, steps]: [RollupTable, number, number] =
    range === 'hour'
      ? ['dashboard_rollup_minutes', minuteMs, 60]
      : range === 'day'
        ? ['dashboard_rollup_hours', hourMs, 24]
        : ['dashboard_rollup_days', dayMs, 30];
  const until = now - (now % stepMs) + stepMs;
  return { range, table, stepMs, since: until - steps * stepMs, until };
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const iso = (ms: number) => new Date(ms).toISOString();

function percentile(buckets: Map<number, number>, share: number): number | null {
  const total = [...buckets.values()].reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const bound of latencyBucketsMs) {
    seen += buckets.get(bound) ?? 0;
    if (seen >= share * total) return bound;
  }
  return latencyBucketsMs.at(-1) ?? null;
}

function tally<K>(map: Map<K, Record<string, number>>, key: K, field: string, count: number): void {
  const entry = map.get(key) ?? {};
  entry[field] = (entry[field] ?? 0) + count;
  map.set(key, entry);
}

/**
 * The dashboard from summed rollup rows: the series, the breakdowns, refusals and the cost
 * estimate. Never a phone number: the rollups hold none.
 */
export function buildDashboard(
  window: RangeWindow,
  rows: readonly RollupRow[],
  context: { prices: readonly DashboardPrice[]; factoryOf: (connectorId: string) => string | null },
): Dashboard {
  const points = new Map<number, DashboardPoint>();
  for (let at = window.since; at < window.until; at += window.stepMs) {
    points.set(at, { at: iso(at), sent: 0, failed: 0, delivered: 0, verified: 0, refused: 0, conversion: null });
  }
  const totals = { sent: 0, failed: 0, delivered: 0, undelivered: 0, verified: 0, wrongCodes: 0, refused: 0 };
  const countries = new Map<string, Record<string, number>>();
  const connectors = new Map<string, Record<string, number>>();
  const latency = new Map<string, Map<number, number>>();
  const refusals = new Map<string, number>();
  const cost = new Map<string, number>();
  let unpricedMessages = 0;

  for (const row of rows) {
    const point = points.get(row.bucket);
    switch (row.metric) {
      case 'sent':
      case 'failed': {
        const field = row.metric;
        totals[field] += row.count;
        if (point) point[field] += row.count;
        tally(countries, row.country, field, row.count);
        tally(connectors, row.connector, field, row.count);
        if (field === 'sent') {
          const factoryId = row.connector ? context.factoryOf(row.connector) : null;
          const price = row.connector
            ? priceFor(context.prices, { connectorId: row.connector, factoryId, country: row.country || null })
            : undefined;
          if (!price) unpricedMessages += row.count;
          else {
            const day = iso(row.bucket - (row.bucket % dayMs)).slice(0, 10);
            const key = `${day} ${price.currency}`;
            cost.set(key, (cost.get(key) ?? 0) + row.count * price.pricePerMessage);
          }
        }
        break;
      }
      case 'approved':
        totals.verified += row.count;
        if (point) point.verified += row.count;
        tally(countries, row.country, 'verified', row.count);
        if (row.connector) tally(connectors, row.connector, 'verified', row.count);
        break;
      case 'check_failed':
        if (row.detail === 'wrong_code') totals.wrongCodes += row.count;
        break;
      case 'delivered':
      case 'undelivered':
        totals[row.metric] += row.count;
        if (point && row.metric === 'delivered') point.delivered += row.count;
        if (row.connector) tally(connectors, row.connector, row.metric, row.count);
        break;
      case 'refusal':
        totals.refused += row.count;
        if (point) point.refused += row.count;
        refusals.set(row.detail, (refusals.get(row.detail) ?? 0) + row.count);
        break;
      case 'provider':
        tally(connectors, row.connector, 'calls', row.count);
        tally(connectors, row.connector, 'sumMs', row.sum_ms);
        if (row.detail === 'error') tally(connectors, row.connector, 'errors', row.count);
        break;
      case 'latency': {
        const buckets = latency.get(row.connector) ?? new Map<number, number>();
        buckets.set(Number(row.detail), (buckets.get(Number(row.detail)) ?? 0) + row.count);
        latency.set(row.connector, buckets);
        break;
      }
    }
  }

  for (const point of points.values()) point.conversion = ratio(point.verified, point.sent);
  const byCountry = [...countries]
    .filter(([, entry]) => (entry.sent ?? 0) + (entry.failed ?? 0) > 0)
    .map(([country, entry]) => ({
      country: country || null,
      sent: entry.sent ?? 0,
      failed: entry.failed ?? 0,
      verified: entry.verified ?? 0,
      conversion: ratio(entry.verified ?? 0, entry.sent ?? 0),
    }))
    .sort((a, b) => b.sent - a.sent);
  const byConnector = [...connectors]
    .filter(([connector]) => connector !== '')
    .map(([connector, entry]) => {
      const calls = entry.calls ?? 0;
      const buckets = latency.get(connector) ?? new Map<number, number>();
      return {
        connectorId: connector,
        factoryId: context.factoryOf(connector),
        sent: entry.sent ?? 0,
        failed: entry.failed ?? 0,
        delivered: entry.delivered ?? 0,
        undelivered: entry.undelivered ?? 0,
        verified: entry.verified ?? 0,
        conversion: ratio(entry.verified ?? 0, entry.sent ?? 0),
        calls,
        errors: entry.errors ?? 0,
        errorRate: ratio(entry.errors ?? 0, calls),
        averageLatencyMs: calls === 0 ? null : Math.round((entry.sumMs ?? 0) / calls),
        p50LatencyMs: percentile(buckets, 0.5),
        p95LatencyMs: percentile(buckets, 0.95),
      };
    })
    .sort((a, b) => b.sent + b.calls - (a.sent + a.calls));

  return {
    range: window.range,
    bucketSeconds: window.stepMs / 1000,
    from: iso(window.since),
    to: iso(window.until),
    totals: { ...totals, conversion: ratio(totals.verified, totals.sent) },
    series: [...points.values()],
    byCountry,
    byConnector,
    refusals: [...refusals].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    cost: {
      perDay: [...cost]
        .map(([key, amount]) => {
          const [day = '', currency = ''] = key.split(' ');
          return { day, currency, amount: Math.round(amount * 1e6) / 1e6 };
        })
        .sort((a, b) => a.day.localeCompare(b.day) || a.currency.localeCompare(b.currency)),
      unpricedMessages,
    },
  };
}
