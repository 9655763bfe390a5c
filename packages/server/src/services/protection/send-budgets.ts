import type { ProtectionSettings } from '@passline/contracts';
import type { LimitRule } from '../limits/rate-limiter.ts';
import type { Destination } from './number-policy.ts';

export const hourMs = 3_600_000;
export const dayMs = 86_400_000;

/** The day a tally counts in: UTC days since the epoch. */
export const dayOf = (time: number) => Math.floor(time / dayMs);

/**
 * The guard's tally keys: codes sent and codes entered, per day of sending, for a range, a client IP
 * and a country. A code entered tomorrow still counts for the day it was sent, so a day's conversion is
 * that day's codes. Range and IP tallies are read for today and yesterday; country tallies for the
 * last 15 days (the adaptive threshold looks back 14), so they live that long.
 */
export const tallyKey = {
  sent: (dimension: GuardDimension, value: string, day: number) => `t:sent:${dimension}:${value}:${day}`,
  approved: (dimension: GuardDimension, value: string, day: number) => `t:ok:${dimension}:${value}:${day}`,
};
export type GuardDimension = 'range' | 'ip' | 'country';
export const tallyWindowMs: Record<GuardDimension, number> = { range: 2 * dayMs, ip: 2 * dayMs, country: 15 * dayMs };

/** Country label for budget and tally keys: non-geographic numbers share one. */
export const countryKey = (destination: Destination) => destination.country ?? 'intl';

/** Positions of the send's budget rules, whose counts the adaptive challenge reads. */
export const budgetPositions = { prefix: 0, country: 1, globalHour: 2, globalDay: 3 } as const;

/**
 * The budgets protection adds to a send, counted with its per-number limits in the same
 * all-or-nothing step, in the order of `budgetPositions`. (The guard's tallies are counted apart,
 * in bulk: see conversion-guard.ts.)
 */
export function budgetRules(settings: ProtectionSettings, destination: Destination): LimitRule[] {
  const country = countryKey(destination);
  return [
    {
      key: `b:prefix:${destination.range}`,
      limit: settings.prefixHourlyLimit,
      windowMs: hourMs,
      code: 'rate_limit.prefix',
    },
    {
      key: `b:country:${country}`,
      limit: settings.countryHourlyLimitOverrides[country] ?? settings.countryHourlyLimit,
      windowMs: hourMs,
      code: 'rate_limit.country',
    },
    { key: 'b:global-hour', limit: settings.globalHourlyLimit, windowMs: hourMs, code: 'rate_limit.global' },
    { key: 'b:global-day', limit: settings.globalDailyLimit, windowMs: dayMs, code: 'rate_limit.global' },
  ];
}
