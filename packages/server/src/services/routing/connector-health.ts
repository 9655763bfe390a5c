import type { ConnectorHealth } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { ConnectorHealthRow } from '../../storage/queries/connector-health.ts';
import * as healthQueries from '../../storage/queries/connector-health.ts';
import type { Database } from '../../storage/schema.ts';

export type BreakerState = ConnectorHealth['state'];

export interface HealthOptions {
  /** Failures in a row that open the breaker. */
  threshold: number;
  /** How long an open breaker skips the connector before real traffic probes it again. */
  coolOffMs: number;
  /** How long an instance trusts its copy of every connector's health. */
  cacheMs: number;
  /** A healthy connector's last success is written at most this often (it is a display, not a state). */
  successWriteMs: number;
}

export const defaultHealthOptions: HealthOptions = {
  threshold: 3,
  coolOffMs: 30_000,
  cacheMs: 2_000,
  successWriteMs: 60_000,
};

export type ConnectorHealthService = ReturnType<typeof createConnectorHealth>;

/**
 * The circuit breaker of each SMS connector, kept in the database so every instance sees it. Reads
 * come from a copy refreshed every `cacheMs`; a healthy connector's successes write nothing on the
 * hot path (except the occasional "last success" time), a failure is one atomic upsert.
 */
export function createConnectorHealth(deps: { db: Kysely<Database>; clock: Clock; options?: Partial<HealthOptions> }) {
  const { db, clock } = deps;
  const options = { ...defaultHealthOptions, ...deps.options };
  let cache: { rows: Map<string, ConnectorHealthRow>; until: number } | undefined;
  let loading: Promise<Map<string, ConnectorHealthRow>> | undefined;

  async function rows(): Promise<Map<string, ConnectorHealthRow>> {
    const now = clock.now();
    if (cache && cache.until > now) return cache.rows;
    loading ??= healthQueries
      .listConnectorHealth(db)
      .then((list) => {
        const map = new Map(list.map((row) => [row.connector_id, row]));
        cache = { rows: map, until: clock.now() + options.cacheMs };
        return map;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  function stateOf(row: ConnectorHealthRow | undefined, now: number): BreakerState {
    if (!row || row.open_until === null) return 'closed';
    return Number(row.open_until) > now ? 'open' : 'half_open';
  }

  const forget = () => {
    cache = undefined;
  };

  return {
    options,

    async state(connectorId: string): Promise<BreakerState> {
      return stateOf((await rows()).get(connectorId), clock.now());
    },

    async recordFailure(connectorId: string, error: string): Promise<void> {
      await healthQueries.recordConnectorFailure(db, {
        connectorId,
        error: error.slice(0, 500),
        now: clock.now(),
        threshold: options.threshold,
        coolOffMs: options.coolOffMs,
      });
      forget();
    },

    async recordSuccess(connectorId: string): Promise<void> {
      const now = clock.now();
      const row = (await rows()).get(connectorId);
      const clean = row !== undefined && row.consecutive_failures === 0 && row.open_until === null;
      if (clean && row.last_success_at !== null && now - Number(row.last_success_at) < options.successWriteMs) return;
      await healthQueries.recordConnectorSuccess(db, connectorId, now);
      forget();
    },

    async list(connectorIds: string[]): Promise<ConnectorHealth[]> {
      const now = clock.now();
      const known = await rows();
      const iso = (value: number | null) => (value === null ? null : new Date(Number(value)).toISOString());
      return connectorIds.map((connectorId) => {
        const row = known.get(connectorId);
        const state = stateOf(row, now);
        return {
          connectorId,
          state,
          consecutiveFailures: row?.consecutive_failures ?? 0,
          openUntil: state === 'open' ? iso(row?.open_until ?? null) : null,
          lastFailureAt: iso(row?.last_failure_at ?? null),
          lastError: row?.last_error ?? null,
          lastSuccessAt: iso(row?.last_success_at ?? null),
        };
      });
    },

    async remove(connectorId: string): Promise<void> {
      await healthQueries.deleteConnectorHealth(db, connectorId);
      forget();
    },
  };
}
