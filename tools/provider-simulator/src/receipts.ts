import {
  aliyunReport,
  defaultErrorCodes,
  type ReportOutcome,
  type ReportRequest,
  tencentReport,
  twilioReport,
} from './receipt-reports.ts';
import type { DeliveredMessage, ProviderCredentials, ProviderName } from './types.ts';

/**
 * What the provider reports after accepting a message:
 * - `delivered` (the default): the final "delivered" report (Twilio sends `sent` first);
 * - `undelivered`: a final failure with `errorCode` (or the provider's usual one);
 * - `late`: `delivered`, but `delayMs` later;
 * - `duplicated`: the final report twice;
 * - `reordered`: the final report, then an older one: Twilio's `sent`; for Aliyun and Tencent,
 *   which send no intermediate report, a backdated report claiming the opposite outcome;
 * - `none`: nothing.
 */
export type ReceiptMode = 'delivered' | 'undelivered' | 'late' | 'duplicated' | 'reordered' | 'none';

export interface ReceiptOptions {
  /** How many of the provider's next messages behave this way; default 1. */
  times?: number;
  /** For `undelivered`: the provider's error code. */
  errorCode?: string;
  /** For `late`: how long after the usual delay; default 1000 ms. */
  delayMs?: number;
}

/** One report the simulator POSTed, and what the receiver answered. */
export interface SentReceipt {
  provider: ProviderName;
  messageId: string;
  url: string;
  /** `sent`, `delivered` or `undelivered`. */
  reported: ReportOutcome['kind'];
  body: string;
  /** The receiver's HTTP status; 0 when it could not be reached. */
  responseStatus: number;
  responseBody: string;
  sentAt: Date;
}

interface Behaviour {
  mode: ReceiptMode;
  errorCode?: string;
  delayMs?: number;
}

/**
 * Sends each accepted message's receipts the way its provider would: Twilio to the message's
 * StatusCallback, Aliyun and Tencent to the report URL set for them (as an admin would in their
 * consoles). Reports leave `baseDelayMs` after the send, so the sender has stored the message.
 */
export function createReceiptSender(options: { credentials: ProviderCredentials; baseDelayMs: number }) {
  const queued = new Map<ProviderName, Behaviour[]>();
  const reportUrls = new Map<ProviderName, string>();
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let sent: SentReceipt[] = [];
  let generation = 0;

  function next(provider: ProviderName, mode: ReceiptMode, receiptOptions: ReceiptOptions = {}): void {
    const queue = queued.get(provider) ?? [];
    const { times = 1, ...behaviour } = receiptOptions;
    for (let index = 0; index < times; index++) queue.push({ mode, ...behaviour });
    queued.set(provider, queue);
  }

  /** Called for every accepted message: plans its reports. */
  function schedule(message: DeliveredMessage): void {
    const behaviour = queued.get(message.provider)?.shift() ?? { mode: 'delivered' };
    const url = message.provider === 'twilio' ? message.statusCallback : reportUrls.get(message.provider);
    if (behaviour.mode === 'none' || !url) return;
    const errorCode = behaviour.errorCode ?? defaultErrorCodes[message.provider];
    const final: ReportOutcome =
      behaviour.mode === 'undelivered' ? { kind: 'undelivered', errorCode } : { kind: 'delivered' };
    const opposite: ReportOutcome =
      final.kind === 'delivered' ? { kind: 'undelivered', errorCode } : { kind: 'delivered' };
    const twilio = message.provider === 'twilio';
    const start = options.baseDelayMs + (behaviour.mode === 'late' ? (behaviour.delayMs ?? 1000) : 0);
    // Reports are sent one after the other, in this order, so the receiver sees them in it.
    const reports: Array<{ outcome: ReportOutcome; backdateMs?: number }> = [];
    if (twilio) reports.push({ outcome: { kind: 'sent' } });
    reports.push({ outcome: final });
    if (behaviour.mode === 'duplicated') reports.push({ outcome: final });
    if (behaviour.mode === 'reordered') {
      reports.push(twilio ? { outcome: { kind: 'sent' } } : { outcome: opposite, backdateMs: 60_000 });
    }
    const run = generation;
    const timer = setTimeout(() => {
      timers.delete(timer);
      track(sendInOrder(message, url, reports, run));
    }, start);
    timers.add(timer);
  }

  async function sendInOrder(
    message: DeliveredMessage,
    url: string,
    reports: Array<{ outcome: ReportOutcome; backdateMs?: number }>,
    run: number,
  ): Promise<void> {
    for (const { outcome, backdateMs = 0 } of reports) {
      if (run !== generation) return;
      const at = new Date(Date.now() - backdateMs);
      const request = build(message, outcome, url, at);
      const result = await post(request);
      if (run !== generation) return;
      sent.push({
        provider: message.provider,
        messageId: message.messageId,
        url,
        reported: outcome.kind,
        body: request.body,
        ...result,
        sentAt: at,
      });
    }
  }

  function build(message: DeliveredMessage, outcome: ReportOutcome, url: string, at: Date): ReportRequest {
    if (message.provider === 'twilio') return twilioReport(message, outcome, options.credentials.twilio, url);
    if (message.provider === 'aliyun') return aliyunReport(message, outcome, url, at);
    return tencentReport(message, outcome, url, at);
  }

  function track(work: Promise<void>): void {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  return {
    next,
    schedule,
    /** Where Aliyun or Tencent push reports (their console setting); undefined stops them. */
    setReportUrl(provider: 'aliyun' | 'tencent', url: string | undefined): void {
      if (url === undefined) reportUrls.delete(provider);
      else reportUrls.set(provider, url);
    },
    sent(filter: { provider?: ProviderName; messageId?: string } = {}): SentReceipt[] {
      return sent.filter(
        (receipt) =>
          (!filter.provider || receipt.provider === filter.provider) &&
          (!filter.messageId || receipt.messageId === filter.messageId),
      );
    },
    /** Resolves once every planned report has been sent and answered. */
    async settled(): Promise<void> {
      while (timers.size > 0 || inFlight.size > 0) {
        if (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        else await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    /** Forgets queued behaviours, planned reports and the log; report URLs stay, like credentials. */
    reset(): void {
      generation += 1;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      queued.clear();
      sent = [];
    },
  };
}

export type ReceiptSender = ReturnType<typeof createReceiptSender>;

async function post(request: ReportRequest): Promise<{ responseStatus: number; responseBody: string }> {
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(5000),
    });
    return { responseStatus: response.status, responseBody: await response.text() };
  } catch {
    return { responseStatus: 0, responseBody: '' };
  }
}
