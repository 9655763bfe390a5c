import type { VerificationSettings } from '../settings-service.ts';
import type { LimitRule } from './rate-limiter.ts';

const hour = 3_600_000;
const day = 86_400_000;

/**
 * The buckets one send is counted in, all or nothing. `clientKey` is the client's IP as per-IP
 * limits count it (see client-ip.ts).
 *
 * When the client's IP is known, the per-number caps and the resend cooldown count per (number,
 * IP): a stranger who spends them locks out only their own address, not the number's owner. The
 * number still has a ceiling across all clients (`phoneHourlyCeiling`, `phoneDailyCeiling`), so
 * spreading the requests over many addresses cannot send it more than that; reaching the ceiling
 * takes several addresses' worth of requests. Without an IP (a backend that does not pass one),
 * the per-number caps are all there is, as the strictest reading of the settings.
 */
export function sendLimitRules(
  phone: string,
  clientKey: string | undefined,
  settings: VerificationSettings,
): LimitRule[] {
  const client = clientKey === undefined ? '' : `:${clientKey}`;
  const rules: LimitRule[] = [];
  if (settings.resendCooldownSeconds > 0) {
    rules.push({
      key: `cooldown:${phone}${client}`,
      limit: 1,
      windowMs: settings.resendCooldownSeconds * 1000,
      code: 'rate_limit.resend_cooldown',
    });
  }
  rules.push(
    { key: `phone-hour:${phone}${client}`, limit: settings.phoneHourlyLimit, windowMs: hour, code: 'rate_limit.phone' },
    { key: `phone-day:${phone}${client}`, limit: settings.phoneDailyLimit, windowMs: day, code: 'rate_limit.phone' },
  );
  if (clientKey !== undefined) {
    rules.push(
      { key: `phone-hour:${phone}`, limit: settings.phoneHourlyCeiling, windowMs: hour, code: 'rate_limit.phone' },
      { key: `phone-day:${phone}`, limit: settings.phoneDailyCeiling, windowMs: day, code: 'rate_limit.phone' },
      { key: `ip-hour:${clientKey}`, limit: settings.ipHourlyLimit, windowMs: hour, code: 'rate_limit.ip' },
    );
  }
  return rules;
}
