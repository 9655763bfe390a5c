import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ConnectorFactory } from '@passline/connector-kit';
import type { DerivedKeys, KeyRing } from '../../crypto/keys.ts';

// Where providers send delivery receipts: /api/webhooks/{factoryId}/status?connector={id}. Providers
// that sign nothing (Aliyun, Tencent) get a URL carrying a secret derived per connector, so only
// someone who was shown the URL can report on its messages.

/** The per-connector secret of a `url-secret` receipt URL: HMAC-SHA256 of `receipts:<id>`, base64url. */
export function receiptToken(key: Pick<DerivedKeys, 'codeKey'>, connectorId: string): string {
  return createHmac('sha256', key.codeKey).update(`receipts:${connectorId}`).digest('base64url');
}

/**
 * Whether `token` is this connector's secret under the current key or a previous one: after a key
 * rotation the URL pasted in a provider's console keeps working while the old key is configured.
 */
export function receiptTokenMatches(keys: KeyRing, connectorId: string, token: string | undefined): boolean {
  const received = Buffer.from(token ?? '', 'utf8');
  let matches = false;
  // Every key is compared, so the time taken does not tell which one matched.
  for (const key of [keys, ...keys.previous]) {
    const expected = Buffer.from(receiptToken(key, connectorId), 'utf8');
    if (expected.length === received.length && timingSafeEqual(expected, received)) matches = true;
  }
  return matches;
}

function webhookUrl(publicUrl: string, factoryId: string, connectorId: string): URL {
  const url = new URL(`/api/webhooks/${encodeURIComponent(factoryId)}/status`, publicUrl);
  url.searchParams.set('connector', connectorId);
  return url;
}

/** What a per-message connector hands its provider with every send (Twilio's StatusCallback). */
export function statusCallbackUrl(publicUrl: string, factoryId: string, connectorId: string): string {
  return webhookUrl(publicUrl, factoryId, connectorId).href;
}

/**
 * The URL an admin pastes into the provider's console, with the connector's secret; null for
 * connectors without receipts or whose provider gets the URL with every message.
 */
export function consoleReceiptUrl(
  publicUrl: string,
  keys: Pick<DerivedKeys, 'codeKey'>,
  factory: ConnectorFactory | undefined,
  connectorId: string,
): string | null {
  if (factory?.receipts?.callbackUrl !== 'provider-console') return null;
  const url = webhookUrl(publicUrl, factory.metadata.id, connectorId);
  if (factory.receipts.authentication === 'url-secret') url.searchParams.set('token', receiptToken(keys, connectorId));
  return url.href;
}
