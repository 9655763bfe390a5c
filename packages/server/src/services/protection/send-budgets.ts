import type { ProtectionSettings } from '@passline/contracts';
import { type LimitRule, tallyLimit } from '../limits/rate-limiter.ts';
import type { Destination } from './number-policy.ts';

export const hourMs = 3_600_000;
export const dayMs = 86_400_000;

/** The day a tally counts in: UTC days since the epoch. */
export const dayOf = (time: number) => Math.floor(time / dayMs);

/**
 * Tally keys: codes sent and codes entered, per day of sending, for a range, a client IP and a
 * country. A code entered tomorrow still counts for the day it was sent, so a day's conversion is
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

/** Positions of the send's rules whose counts the guard and the adaptive challenge read. */
export interface BudgetPositions {
  prefix: number;
  country: number;
  globalHour: number;
  globalDay: number;
  sentRange: number;
  sentCountry: number;
  /** -1 without a client IP. */
  sentIp: number;
}

/**
 * The rules protection adds to a send, counted with its per-number limits in the same all-or-nothing
 * step: the range, country and deployment budgets, then the guard's tallies (which never refuse).
 */
export function budgetRules(
  settings: ProtectionSettings,
  destination: Destination,
  clientKey: string | undefined,
  now: number,
): { rules: LimitRule[]; positions: BudgetPositions } {
  const country = countryKey(destination);
  const day = dayOf(now);
  const rules: LimitRule[] = [
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
  if (settings.guardEnabled) {
    rules.push(
      tally(tallyKey.sent('range', destination.range, day), tallyWindowMs.range),
      tally(tallyKey.sent('country', country, day), tallyWindowMs.country),
    );
    if (clientKey !== undefined) rules.push(tally(tallyKey.sent('ip', clientKey, day), tallyWindowMs.ip));
  }
  return {
    rules,
    positions: {
      prefix: 0,
      country: 1,
      globalHour: 2,
      globalDay: 3,
      sentRange: settings.guardEnabled ? 4 : -1,
      sentCountry: settings.guardEnabled ? 5 : -1,
      sentIp: settings.guardEnabled && clientKey !== undefined ? 6 : -1,
    },
  };
}

/** A count that never refuses; `code` is unused. */
export function tally(key: string, windowMs: number): LimitRule {
  return { key, limit: tallyLimit, windowMs, code: 'rate_limit.global' };
}
