/**
 * The provider's message id from what a Logto connector's `sendMessage` returns. Logto ignores that
 * value, so connectors return whatever they had: usually `got`'s response, whose `body` is the
 * provider's JSON text. The shapes below are the answers of the providers Logto ships connectors
 * for; anything else gives null (the message log then has no provider id, nothing fails).
 */
export function providerMessageId(answer: unknown): string | null {
  const body = bodyOf(answer);
  if (typeof body !== 'object' || body === null) return null;
  const record = body as Record<string, unknown>;
  const candidates: unknown[] = [
    record.id, // SmsAero's data, many REST APIs
    record.sid, // Twilio
    record.messageId,
    record.message_id,
    record.MessageId, // Amazon SNS
    (record.data as Record<string, unknown> | undefined)?.id, // SmsAero: { success, data: { id } }
    (record.ids as unknown[] | undefined)?.[0], // GatewayAPI: { ids: [421332671] }
    firstOf(record.messages, 'message-id'), // Vonage
    firstOf(record.messages, 'messageId'), // Infobip
    firstOf(record.SendStatusSet, 'SerialNo'), // Tencent
    record.BizId, // Aliyun
  ];
  for (const value of candidates) {
    if (typeof value === 'string' && value) return value.slice(0, 200);
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return null;
}

function bodyOf(answer: unknown): unknown {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const body = 'body' in answer ? (answer as { body: unknown }).body : answer;
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function firstOf(list: unknown, key: string): unknown {
  return Array.isArray(list) ? (list[0] as Record<string, unknown> | undefined)?.[key] : undefined;
}
