/** The message log's failover attempt and delivery receipt, in words. */

import type { Message } from '@passline/contracts';

/** 1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, … 21st. */
export function ordinal(count: number): string {
  const tens = count % 100;
  const units = count % 10;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : units === 1 ? 'st' : units === 2 ? 'nd' : units === 3 ? 'rd' : 'th';
  return `${count}${suffix}`;
}

/** "2nd try" for a failover's later attempts; nothing for the first. */
export function tryLabel(attempt: number): string | undefined {
  return attempt > 1 ? `${ordinal(attempt)} try` : undefined;
}

/** 0.8 s, 3.2 s, 45 s, 2 min 5 s, 1 h 3 min: as precise as a reader wants at that size. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const wholeSeconds = Math.round(seconds);
  if (wholeSeconds < 3600) {
    const rest = wholeSeconds % 60;
    return `${Math.floor(wholeSeconds / 60)} min${rest ? ` ${rest} s` : ''}`;
  }
  const minutes = Math.round(wholeSeconds / 60);
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`;
}

export interface DeliveryText {
  text: string;
  tone: 'ok' | 'error' | 'pending' | 'none';
}

/** What the Delivery column says; undefined for a send that failed (nothing to deliver). */
export function deliveryText(
  message: Pick<Message, 'status' | 'delivery' | 'receiptsSupported'>,
): DeliveryText | undefined {
  const { delivery } = message;
  if (delivery?.status === 'delivered') {
    return {
      text: delivery.afterMs === null ? 'Delivered' : `Delivered in ${formatDuration(delivery.afterMs)}`,
      tone: 'ok',
    };
  }
  if (delivery?.status === 'undelivered') {
    return { text: delivery.errorCode ? `Undelivered (${delivery.errorCode})` : 'Undelivered', tone: 'error' };
  }
  if (message.status === 'failed') return undefined;
  return message.receiptsSupported
    ? { text: 'Awaiting receipt', tone: 'pending' }
    : { text: 'No receipts from this connector', tone: 'none' };
}
