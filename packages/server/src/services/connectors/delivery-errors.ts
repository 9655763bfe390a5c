import type { ConnectorError } from '@passline/connector-kit';
import type { DeliveryAttempt } from '@passline/contracts';
import { AppError, type ErrorCode } from '../../errors.ts';

const codeByKind = {
  invalid_config: 'delivery.rejected',
  // Passline could not build the message: the templates need fixing, the provider was never asked.
  template_not_found: 'connector.template_invalid',
  template_invalid: 'connector.template_invalid',
  provider_rejected: 'delivery.rejected',
  invalid_recipient: 'delivery.invalid_recipient',
  rate_limited: 'delivery.rate_limited',
  provider_unavailable: 'delivery.provider_unavailable',
  timeout: 'delivery.timeout',
} as const satisfies Record<ConnectorError['kind'], ErrorCode>;

/**
 * Every 429 carries Retry-After. The built-in connectors always say how long; a connector that does
 * not (or a provider that gave no hint) gets a minute, the shortest window providers throttle over.
 */
export const defaultRetryAfterSeconds = 60;

/**
 * A message the connector failed to deliver, thrown by `ConnectorService.deliver` once the failure
 * is in the message log: the connector's error (the recipient masked) and the id of its log entry.
 * Anything else `deliver` throws is Passline's own failure (the database), not the provider's.
 */
export class DeliveryFailure extends Error {
  override readonly name = 'DeliveryFailure';
  constructor(
    readonly connectorError: ConnectorError,
    readonly messageLogId: string,
    /** How long the provider took to fail. */
    readonly latencyMs = 0,
    /** With failover, every connector the send tried (this failure is the last). */
    readonly attempts: DeliveryAttempt[] = [],
  ) {
    super(connectorError.message);
  }
}

/**
 * The one mapping from a failed delivery to an HTTP error; `details.messageLogId` names its log
 * entry. `audience: 'admin'` (test sends from the console) carries the provider's own code, message
 * and request id; applications and end users get only the stable code and a message that leaks
 * nothing about the provider account.
 */
export function deliveryFailureToAppError(failure: DeliveryFailure, audience: 'admin' | 'public'): AppError {
  const error = failure.connectorError;
  const code = codeByKind[error.kind];
  const details =
    audience === 'admin'
      ? {
          messageLogId: failure.messageLogId,
          kind: error.kind,
          providerCode: error.providerCode,
          providerMessage: error.providerMessage,
          providerRequestId: error.providerRequestId,
          httpStatus: error.httpStatus,
          issues: error.issues,
        }
      : { messageLogId: failure.messageLogId };
  // After a failover the caller sees every try: connector, outcome, latency, log entry.
  const withAttempts = failure.attempts.length > 1 ? { ...details, attempts: failure.attempts } : details;
  // Applications and end users get the catalogue's message for the code. The connector error is
  // not kept as the cause: its text can quote the provider, which may quote the number.
  const message = audience === 'admin' ? error.message : undefined;
  const retryAfterSeconds =
    error.kind === 'rate_limited' ? (error.retryAfterSeconds ?? defaultRetryAfterSeconds) : error.retryAfterSeconds;
  return new AppError(code, message, withAttempts, retryAfterSeconds);
}
