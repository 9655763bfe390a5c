import type { DeliveryAttempt } from '@passline/contracts';
import { isAppError } from '../errors.ts';
import type { CheckedWhere, CheckOutcome, Metrics, SendOutcome } from '../metrics/create-metrics.ts';
import { type EventLogger, logEvent } from '../metrics/security-events.ts';
import { maskPhone } from '../phone.ts';

/** Codes Passline issues (`verification`) or delivers for another system (`relay`). */
export type SendKind = 'verification' | 'relay';

interface Destination {
  phone: string;
  usage: string;
  country: string | null | undefined;
}

const checkOutcomes: Record<string, CheckOutcome> = {
  'verification.code_mismatch': 'wrong_code',
  'verification.expired': 'expired',
  'verification.too_many_attempts': 'too_many_attempts',
  'verification.already_used': 'already_used',
  'verification.cancelled': 'cancelled',
  'verification.not_found': 'not_found',
};

/** A send's refusal (limits or protection), as opposed to a failure of Passline or its storage. */
export function refusalCode(error: unknown): string | undefined {
  if (!isAppError(error)) return undefined;
  return error.code.startsWith('rate_limit.') || error.code.startsWith('fraud.') ? error.code : undefined;
}

/** The connector that took the message, or the last one tried. */
export const lastConnector = (attempts: readonly DeliveryAttempt[]) => attempts.at(-1)?.connectorId ?? null;

/**
 * What the verification service reports of each send and check: the metrics, and the
 * `verification.*` security events (masked numbers only; never a code).
 */
export function createVerificationTelemetry(deps: { metrics: Metrics; logger: EventLogger }) {
  const { metrics, logger } = deps;

  function count(kind: SendKind, to: Destination, outcome: SendOutcome, connector: string | null): void {
    const labels = { outcome, usage: to.usage, country: to.country, connector };
    if (kind === 'relay') metrics.codeRelayed(labels);
    else metrics.verificationSent(labels);
  }

  return {
    /** A verification's send ended: accepted by a provider, failed on every connector, or suppressed. */
    sent(
      verification: Destination & { id: string },
      outcome: 'sent' | 'failed' | 'suppressed',
      connector: string | null,
      reason?: string,
    ): void {
      count('verification', verification, outcome, connector);
      logEvent(logger, 'verification.sent', {
        verificationId: verification.id,
        to: maskPhone(verification.phone),
        usage: verification.usage,
        country: verification.country ?? null,
        connector,
        outcome,
        ...(reason ? { reason } : {}),
      });
    },

    /** A relayed code's delivery ended (relays have no verification, so no event). */
    relayed(to: Destination, outcome: 'sent' | 'failed', connector: string | null): void {
      count('relay', to, outcome, connector);
    },

    /** No connector to send through: nothing was stored or refused. */
    noConnector(kind: SendKind, to: Destination): void {
      count(kind, to, 'failed', null);
    },

    /**
     * A `.catch` for a send's admission: counts and logs a refusal (limits, protection), then
     * rethrows it; other errors pass unrecorded.
     */
    refused(kind: SendKind, to: Destination, options: { source?: string }) {
      return (error: unknown): never => {
        const reason = refusalCode(error);
        if (reason) {
          count(kind, to, 'refused', null);
          metrics.verificationRefused(reason);
          logEvent(logger, 'verification.refused', {
            to: maskPhone(to.phone),
            usage: to.usage,
            country: to.country ?? null,
            reason,
            source: options.source ?? 'api',
          });
        }
        throw error;
      };
    },

    /** A check's outcome: approval, or the error it answered (errors that are no outcome pass). */
    checked(verificationId: string, result: { approved: true } | { error: unknown }, where: CheckedWhere = {}): void {
      if ('approved' in result) {
        metrics.verificationChecked('approved', where);
        logEvent(logger, 'verification.checked', { verificationId, outcome: 'approved' });
        return;
      }
      const { error } = result;
      const outcome = isAppError(error) ? checkOutcomes[error.code] : undefined;
      if (!outcome || !isAppError(error)) return;
      const remaining = error.details?.remainingAttempts;
      metrics.verificationChecked(outcome, where);
      logEvent(logger, 'verification.checked', {
        verificationId,
        outcome,
        ...(typeof remaining === 'number' ? { remainingAttempts: remaining } : {}),
      });
    },
  };
}
