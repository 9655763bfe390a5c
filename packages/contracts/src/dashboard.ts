import * as z from 'zod/mini';

/** The dashboard's time ranges: the last hour by minute, the last day by hour, 30 days by day. */
export const dashboardRanges = ['hour', 'day', '30d'] as const;
export type DashboardRange = (typeof dashboardRanges)[number];

const count = z.number().check(z.int(), z.nonnegative());
const ratio = z.nullable(z.number()).check(z.describe('A share from 0 to 1; null when there is nothing to divide by.'));

/**
 * One price the admin enters for the cost estimate: per connector (by id) or per connector type
 * (by factory id), per destination country or `*` for any. The most specific price applies.
 */
export const dashboardPriceSchema = z
  .object({
    connectorId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
    factoryId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
    country: z.string().check(z.regex(/^(\*|[A-Z]{2})$/), z.describe('ISO 3166-1 alpha-2, or * for any country.')),
    pricePerMessage: z.number().check(z.nonnegative(), z.lte(1000)),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/), z.describe('ISO 4217, e.g. USD.')),
  })
  .check(
    z.refine((price) => (price.connectorId === undefined) !== (price.factoryId === undefined), {
      message: 'Give exactly one of connectorId and factoryId.',
    }),
    z.describe('DashboardPrice'),
  );
export type DashboardPrice = z.infer<typeof dashboardPriceSchema>;
export const dashboardPricesSchema = z.array(dashboardPriceSchema).check(z.maxLength(500));

export const dashboardPointSchema = z.object({
  at: z.string().check(z.describe('Start of the minute, hour or day (ISO time, UTC).')),
  sent: count,
  failed: count,
  delivered: count,
  verified: count,
  refused: count,
  conversion: ratio,
});
export type DashboardPoint = z.infer<typeof dashboardPointSchema>;

export const dashboardSchema = z
  .object({
    range: z.enum(dashboardRanges),
    bucketSeconds: z.number(),
    from: z.string(),
    to: z.string(),
    totals: z.object({
      sent: count,
      failed: count,
      delivered: count,
      undelivered: count,
      verified: count,
      wrongCodes: count,
      refused: count,
      conversion: ratio,
    }),
    series: z.array(dashboardPointSchema),
    byCountry: z.array(
      z.object({
        country: z.nullable(z.string()).check(z.describe('null: numbers without a country.')),
        sent: count,
        failed: count,
        verified: count,
        conversion: ratio,
      }),
    ),
    byConnector: z.array(
      z.object({
        connectorId: z.nullable(z.string()),
        factoryId: z.nullable(z.string()),
        sent: count,
        failed: count,
        delivered: count.check(z.describe('Receipts, when the receipt path names the connector.')),
        undelivered: count,
        verified: count.check(
          z.describe(
            'Codes approved among those this connector was the first choice for (a failover counts for the first).',
          ),
        ),
        conversion: ratio,
        calls: count,
        errors: count,
        errorRate: ratio,
        averageLatencyMs: z.nullable(z.number()),
        p50LatencyMs: z
          .nullable(z.number())
          .check(z.describe('Upper bound of the latency bucket holding the median (100, 250, 500 … 30000 ms).')),
        p95LatencyMs: z.nullable(z.number()),
      }),
    ),
    refusals: z.array(z.object({ reason: z.string(), count })),
    cost: z.object({
      perDay: z.array(z.object({ day: z.string(), currency: z.string(), amount: z.number() })),
      unpricedMessages: count.check(z.describe('Sent messages no price applies to (not in the estimate).')),
    }),
  })
  .check(z.describe('Dashboard'));
export type Dashboard = z.infer<typeof dashboardSchema>;
