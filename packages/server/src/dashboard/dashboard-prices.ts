import { type DashboardPrice, dashboardPricesSchema } from '@passline/contracts';
import type { Kysely } from 'kysely';
import * as z from 'zod/mini';
import type { Clock } from '../clock.ts';
import { cachedSetting } from '../services/cached-setting.ts';
import type { Database } from '../storage/schema.ts';

const pricesKey = 'dashboard.prices';
// The settings table stores objects: the list lives under one field.
const storedSchema = z.object({ prices: z._default(dashboardPricesSchema, []) });

export function createDashboardPrices(deps: { db: Kysely<Database>; clock: Clock; cacheMs?: number }) {
  const setting = cachedSetting({ ...deps, key: pricesKey, schema: storedSchema });
  return {
    async list(): Promise<DashboardPrice[]> {
      return (await setting.get()).prices;
    },
    /** Replaces the whole list. */
    async replace(prices: DashboardPrice[]): Promise<DashboardPrice[]> {
      return (await setting.update({ prices })).prices;
    },
  };
}

/**
 * The price of one message, the most specific first: this connector and country, this connector
 * anywhere, its type and country, its type anywhere. Undefined when none applies.
 */
export function priceFor(
  prices: readonly DashboardPrice[],
  message: { connectorId: string; factoryId: string | null; country: string | null },
): DashboardPrice | undefined {
  const country = message.country ?? '';
  const candidates: Array<(price: DashboardPrice) => boolean> = [
    (price) => price.connectorId === message.connectorId && price.country === country,
    (price) => price.connectorId === message.connectorId && price.country === '*',
    (price) => message.factoryId !== null && price.factoryId === message.factoryId && price.country === country,
    (price) => message.factoryId !== null && price.factoryId === message.factoryId && price.country === '*',
  ];
  for (const matches of candidates) {
    const price = prices.find(matches);
    if (price) return price;
  }
  return undefined;
}
