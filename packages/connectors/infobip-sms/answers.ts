import type { InfobipMessageStatus, InfobipRequestFailure } from './errors.ts';

/** The first message of a 200 answer: its id and status, as far as they could be read. */
export interface SentMessage {
  messageId: string | null;
  status: InfobipMessageStatus | undefined;
}

/** Status groups that mean Infobip took the message on its way (ACCEPTED 0, PENDING 1, DELIVERED 3). */
const onItsWay = new Set(['ACCEPTED', 'PENDING', 'DELIVERED']);
const onItsWayIds = new Set([0, 1, 3]);

/** Reads the first entry of `messages` in a 200 answer (Passline sends one message to one number). */
export function readSentMessage(reply: Record<string, unknown>): SentMessage {
  const first = Array.isArray(reply.messages) ? reply.messages[0] : undefined;
  if (!isObject(first)) return { messageId: null, status: undefined };
  const status = isObject(first.status) ? first.status : undefined;
  return {
    messageId: typeof first.messageId === 'string' ? first.messageId : null,
    status: status && {
      groupId: numberOrUndefined(status.groupId),
      groupName: stringOrUndefined(status.groupName),
      id: numberOrUndefined(status.id),
      name: stringOrUndefined(status.name),
      description: stringOrUndefined(status.description),
    },
  };
}

/** Whether the status says the message will not be sent (REJECTED, UNDELIVERABLE, EXPIRED). */
export function isRefusal(status: InfobipMessageStatus | undefined): status is InfobipMessageStatus {
  if (!status) return false;
  if (status.groupName !== undefined) return !onItsWay.has(status.groupName.toUpperCase());
  return status.groupId !== undefined && !onItsWayIds.has(status.groupId);
}

/**
 * Reads an error body in either of Infobip's shapes: v3 `{ errorCode, description, action,
 * violations: [{ property, violation }] }`, or the older `{ requestError: { serviceException:
 * { messageId, text, validationErrors: { property: [..] } } } }` some gateways still answer with.
 * Undefined when the body is neither.
 */
export function readRequestError(
  reply: Record<string, unknown> | undefined,
): Omit<InfobipRequestFailure, 'httpStatus' | 'retryAfterSeconds'> | undefined {
  if (reply && typeof reply.errorCode === 'string') {
    const violations = Array.isArray(reply.violations) ? reply.violations.filter(isObject) : [];
    return {
      code: reply.errorCode,
      text: stringOrUndefined(reply.description),
      action: stringOrUndefined(reply.action),
      violations: violations.map((entry) => ({
        property: String(entry.property ?? ''),
        violation: String(entry.violation ?? ''),
      })),
    };
  }
  const legacy = isObject(reply?.requestError) ? reply.requestError.serviceException : undefined;
  if (isObject(legacy) && typeof legacy.messageId === 'string') {
    const byProperty = isObject(legacy.validationErrors) ? legacy.validationErrors : {};
    return {
      code: legacy.messageId,
      text: stringOrUndefined(legacy.text),
      action: undefined,
      violations: Object.entries(byProperty).flatMap(([property, problems]) =>
        (Array.isArray(problems) ? problems : [problems]).map((problem) => ({ property, violation: String(problem) })),
      ),
    };
  }
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
