import type { SmsType } from './config.ts';

/** The SNS Query API version Publish is served under. */
export const apiVersion = '2010-03-31';

export interface PublishInput {
  to: string;
  message: string;
  smsType: SmsType;
  senderId?: string | undefined;
  originationNumber?: string | undefined;
}

/**
 * The form body of Publish to a phone number. The per-message SMS settings travel as message
 * attributes, a map the Query API spells `MessageAttributes.entry.N.Name` / `.Value.DataType` /
 * `.Value.StringValue`, with N counting from 1.
 */
export function publishForm(input: PublishInput): string {
  const attributes: Array<[string, string]> = [['AWS.SNS.SMS.SMSType', input.smsType]];
  if (input.senderId) attributes.push(['AWS.SNS.SMS.SenderID', input.senderId]);
  if (input.originationNumber) attributes.push(['AWS.MM.SMS.OriginationNumber', input.originationNumber]);
  const form = new URLSearchParams({
    Action: 'Publish',
    Version: apiVersion,
    PhoneNumber: input.to,
    Message: input.message,
  });
  attributes.forEach(([name, value], index) => {
    const entry = `MessageAttributes.entry.${index + 1}`;
    form.append(`${entry}.Name`, name);
    form.append(`${entry}.Value.DataType`, 'String');
    form.append(`${entry}.Value.StringValue`, value);
  });
  return form.toString();
}

/** What an `<ErrorResponse>` says; undefined fields were absent. */
export interface SnsErrorBody {
  type: string | undefined;
  code: string | undefined;
  message: string | undefined;
  requestId: string | undefined;
}

/**
 * `PublishResponse/PublishResult/MessageId`, or undefined when the body is not a PublishResponse
 * (a proxy's page, another service). `messageId` is null when SNS answered without one.
 */
export function readPublishResponse(
  xml: string,
): { messageId: string | null; requestId: string | undefined } | undefined {
  const response = element(xml, 'PublishResponse');
  if (response === undefined) return undefined;
  const result = element(response, 'PublishResult');
  const messageId = result === undefined ? undefined : text(result, 'MessageId');
  return { messageId: messageId || null, requestId: text(response, 'RequestId') };
}

/** `ErrorResponse/Error/{Type,Code,Message}` and `RequestId`, or undefined without an ErrorResponse. */
export function readErrorResponse(xml: string): SnsErrorBody | undefined {
  const response = element(xml, 'ErrorResponse');
  if (response === undefined) return undefined;
  const error = element(response, 'Error') ?? '';
  return {
    type: text(error, 'Type'),
    code: text(error, 'Code'),
    message: text(error, 'Message'),
    requestId: text(response, 'RequestId'),
  };
}

/*
 * A deliberately small reader for the two flat documents SNS answers Publish with. It finds an element
 * by name (with or without a namespace prefix) and reads only leaf text, so it never has to
 * understand arbitrary XML; anything it cannot find is reported as absent, never guessed.
 */

function element(xml: string, name: string): string | undefined {
  const open = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${name}(?:\\s[^>]*)?>`).exec(xml);
  if (!open) return undefined;
  const start = open.index + open[0].length;
  const close = new RegExp(`</(?:[A-Za-z_][\\w.-]*:)?${name}\\s*>`).exec(xml.slice(start));
  return close ? xml.slice(start, start + close.index) : undefined;
}

function text(xml: string, name: string): string | undefined {
  const inner = element(xml, name);
  // Leaf text only: an element with children is not the value asked for.
  if (inner === undefined || inner.includes('<')) return undefined;
  return decodeEntities(inner.trim());
}

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return safeCodePoint(Number.parseInt(entity.slice(2), 16), whole);
    if (entity.startsWith('#')) return safeCodePoint(Number.parseInt(entity.slice(1), 10), whole);
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[entity] ?? whole;
  });
}

function safeCodePoint(codePoint: number, fallback: string): string {
  return codePoint >= 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : fallback;
}
