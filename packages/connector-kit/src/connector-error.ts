/** The few ways a delivery can fail. The server maps each kind to one HTTP status in one place. */
export const connectorErrorKinds = [
  'invalid_config',
  'invalid_recipient',
  'template_not_found',
  /** A template Passline cannot fill: it names a variable this message does not provide. */
  'template_invalid',
  'rate_limited',
  'provider_rejected',
  'provider_unavailable',
  'timeout',
] as const;
export type ConnectorErrorKind = (typeof connectorErrorKinds)[number];

export interface ConnectorErrorDetails {
  /** The provider's own error code (e.g. Twilio `21211`, Aliyun `isv.MOBILE_NUMBER_ILLEGAL`). */
  providerCode?: string;
  /** The provider's own message, for the admin; never shown to end users. */
  providerMessage?: string;
  /** The provider's request id, for support tickets with the provider. */
  providerRequestId?: string;
  /** HTTP status the provider answered with, when there was one. */
  httpStatus?: number;
  /** Seconds the provider asked us to wait, when it said. */
  retryAfterSeconds?: number;
  /** Field-level problems, for `invalid_config`. */
  issues?: Array<{ path: string; message: string }>;
  cause?: unknown;
}

/**
 * A brand shared by every copy of this package: a connector installed with its own copy of the kit
 * (or the server's compiled bundle, which carries one) still throws errors the server recognises.
 */
const connectorErrorBrand = Symbol.for('passline.connector-error');

/**
 * The only error a connector should throw. `message` is written for the admin configuring the
 * connector; the server never forwards it to end users.
 */
export class ConnectorError extends Error {
  readonly [connectorErrorBrand] = true;
  override readonly name = 'ConnectorError';
  readonly kind: ConnectorErrorKind;
  readonly providerCode: string | undefined;
  readonly providerMessage: string | undefined;
  readonly providerRequestId: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly issues: Array<{ path: string; message: string }> | undefined;

  constructor(kind: ConnectorErrorKind, message: string, details: ConnectorErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.providerCode = details.providerCode;
    this.providerMessage = details.providerMessage;
    this.providerRequestId = details.providerRequestId;
    this.httpStatus = details.httpStatus;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.issues = details.issues;
  }

  /** A plain object safe to show an admin: no stack, no cause. */
  toJSON() {
    return {
      kind: this.kind,
      message: this.message,
      providerCode: this.providerCode,
      providerMessage: this.providerMessage,
      providerRequestId: this.providerRequestId,
      httpStatus: this.httpStatus,
      retryAfterSeconds: this.retryAfterSeconds,
      issues: this.issues,
    };
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return (
    error instanceof ConnectorError ||
    (typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[connectorErrorBrand] === true)
  );
}
