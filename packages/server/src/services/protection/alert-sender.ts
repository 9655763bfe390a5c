import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../../clock.ts';
import { newId } from '../../crypto/codes.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';

export interface ProtectionAlert {
  kind: 'budget.global' | 'budget.country' | 'guard.range' | 'guard.ip' | 'guard.country';
  /** What tripped: 'hour' / 'day' for global, the country code, the masked range, the client IP. Never a full phone number. */
  subject: string;
  details: Record<string, string | number | boolean | null>;
}

export interface AlertRecord {
  createdAt: number;
  kind: string;
  subject: string;
  delivered: boolean;
  error: string | null;
}

export interface AlertSender {
  /** Fire-and-forget: sends at most once per (kind, subject) per episode, across instances. Never throws, never delays the caller. */
  alert(alert: ProtectionAlert): void;
  /** Resolves when every alert started so far has finished (for tests and shutdown). */
  idle(): Promise<void>;
}

export interface AlertSenderDeps {
  /** The protection settings' `alertWebhookUrl`. */
  webhookUrl(): Promise<string | null>;
  /** PASSLINE_ALERT_WEBHOOK_SECRET, Standard Webhooks format `whsec_<base64>`. */
  secret: string | undefined;
  /** Dedupes episodes; shared through the database or Redis, so several instances alert once. */
  limiter: RateLimiter;
  /** Stores the alert for the Protection page, delivered or not. */
  record(alert: AlertRecord): Promise<void>;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** How long one (kind, subject) stays quiet after its alert; default 1 hour. */
  episodeMs?: number;
  fetch?: typeof fetch;
  /** How long one POST may take, response headers included; default 5000. */
  timeoutMs?: number;
}

const defaultEpisodeMs = 60 * 60 * 1000;
const defaultTimeoutMs = 5000;

/** What became of one alert: delivered, or why not (for the record and the log). */
type Outcome = { delivered: true } | { delivered: false; error: string };

export function createAlertSender(deps: AlertSenderDeps): AlertSender {
  const episodeMs = deps.episodeMs ?? defaultEpisodeMs;
  const timeoutMs = deps.timeoutMs ?? defaultTimeoutMs;
  const send = deps.fetch ?? fetch;
  const signer = signerFor(deps.secret);
  // A malformed secret is a mistake worth hearing of at start; a missing one is the default while
  // no webhook is configured, so it is only reported when an alert would have been sent.
  if (deps.secret && signer.error) deps.logger.warn({}, `Protection alerts will not be sent: ${signer.error}`);

  const inFlight = new Set<Promise<void>>();

  async function deliver(url: string, webhook: Webhook, alert: ProtectionAlert, now: number): Promise<Outcome> {
    const data: Record<string, string | number | boolean | null> = { subject: alert.subject, ...alert.details };
    // A detail named `subject` must not change what the alert says tripped.
    data.subject = alert.subject;
    const body = JSON.stringify({ type: `protection.${alert.kind}`, timestamp: new Date(now).toISOString(), data });
    const id = newId('msg', now);
    // The signed timestamp is in whole seconds; sign exactly what the header says.
    const seconds = Math.floor(now / 1000);
    try {
      const response = await send(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Passline',
          'webhook-id': id,
          'webhook-timestamp': String(seconds),
          'webhook-signature': webhook.sign(id, new Date(seconds * 1000), body),
        },
        body,
        // A redirect would re-send the signed alert to an address nobody configured.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The body is not needed; cancelling it frees the connection.
      await response.body?.cancel().catch(() => undefined);
      return response.ok ? { delivered: true } : { delivered: false, error: `HTTP ${response.status}` };
    } catch (error) {
      return { delivered: false, error: describeFailure(error, timeoutMs) };
    }
  }

  async function run(alert: ProtectionAlert): Promise<void> {
    const createdAt = deps.clock.now();
    const where = { kind: alert.kind, subject: alert.subject };
    try {
      const decision = await deps.limiter.consume([
        { key: `alert:${alert.kind}:${alert.subject}`, limit: 1, windowMs: episodeMs, code: 'rate_limit.global' },
      ]);
      // Refused: this (kind, subject) was alerted in this episode, by this instance or another.
      if (!decision.allowed) return;
    } catch (error) {
      // Without the shared episode an alert could repeat on every send; one skipped alert is better.
      deps.logger.warn({ ...where, err: error }, 'Protection alert skipped: its episode could not be checked');
      return;
    }

    let outcome: Outcome;
    let url: string | null = null;
    try {
      url = await deps.webhookUrl();
    } catch (error) {
      deps.logger.warn({ ...where, err: error }, 'Protection alert not sent: the webhook URL could not be read');
    }
    if (!url) {
      outcome = { delivered: false, error: 'no webhook URL' };
    } else if (!signer.webhook) {
      outcome = { delivered: false, error: signer.error };
      deps.logger.warn({ ...where }, `Protection alert not sent: ${signer.error}`);
    } else {
      // One attempt, no retry: the alert stands for a whole episode and the Protection page shows
      // it (with this failure) either way, and a retry loop would hold an alert across shutdowns
      // for a receiver that is down. The next episode alerts again.
      outcome = await deliver(url, signer.webhook, alert, createdAt);
      if (outcome.delivered) deps.logger.info(where, 'Protection alert sent');
      else deps.logger.warn({ ...where, error: outcome.error }, 'Protection alert not delivered');
    }

    try {
      await deps.record({
        createdAt,
        kind: alert.kind,
        subject: alert.subject,
        delivered: outcome.delivered,
        error: outcome.delivered ? null : outcome.error,
      });
    } catch (error) {
      deps.logger.warn({ ...where, err: error }, 'Protection alert could not be recorded');
    }
  }

  return {
    alert(alert) {
      // Started on a later microtask, so nothing of it (not even a synchronous throw from a
      // dependency) runs inside the caller's turn; the catch is the last line of defence.
      const running = Promise.resolve()
        .then(() => run(alert))
        .catch((error: unknown) => {
          deps.logger.warn({ kind: alert.kind, subject: alert.subject, err: error }, 'Protection alert failed');
        });
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
}

/**
 * The signing key, checked once: a missing or malformed secret is reported at start and on each
 * alert (recorded as not delivered), never by sending unsigned.
 */
function signerFor(
  secret: string | undefined,
): { webhook: Webhook; error?: undefined } | { webhook?: undefined; error: string } {
  if (!secret) {
    return { error: 'PASSLINE_ALERT_WEBHOOK_SECRET is not set (alerts are never sent unsigned)' };
  }
  try {
    return { webhook: new Webhook(secret) };
  } catch {
    // The library's message could quote part of the secret; say only what is wrong.
    return { error: 'PASSLINE_ALERT_WEBHOOK_SECRET is not a valid Standard Webhooks secret (whsec_<base64>)' };
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  if (!(error instanceof Error)) return String(error);
  // fetch says only "fetch failed"; the reason (connection refused, DNS, TLS) is its cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
