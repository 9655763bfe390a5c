import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { aliyunSimulation } from './aliyun.ts';
import { httpSmsSimulation } from './http-sms.ts';
import { infobipSimulation } from './infobip.ts';
import { plivoSimulation } from './plivo.ts';
import { createReceiptSender, type ReceiptMode, type ReceiptOptions, type SentReceipt } from './receipts.ts';
import { sinchSimulation } from './sinch.ts';
import { snsSimulation } from './sns.ts';
import { tencentSimulation } from './tencent.ts';
import { twilioSimulation } from './twilio.ts';
import type {
  DeliveredMessage,
  FailureMode,
  ProviderCredentials,
  ProviderName,
  ProviderSimulation,
  SimulatedRequest,
  SimulatedResponse,
} from './types.ts';
import { vonageSimulation } from './vonage.ts';

export const defaultCredentials: ProviderCredentials = {
  twilio: { accountSid: 'AC00000000000000000000000000000001', authToken: 'simulator-twilio-auth-token' },
  aliyun: { accessKeyId: 'LTAI5tSimulatorKeyId', accessKeySecret: 'simulator-aliyun-secret' },
  tencent: { secretId: 'AKIDSimulatorSecretId', secretKey: 'simulator-tencent-secret', sdkAppId: '1400000001' },
  vonage: {
    apiKey: 'a1b2c3d4',
    apiSecret: 'simulator-vonage-secret',
    signatureSecret: 'simulator-vonage-signature-secret',
    signatureMethod: 'md5hash',
  },
  sinch: { servicePlanId: '5ba0d1a6c0e04c3fa5ff5b3f1b4e2a01', apiToken: 'simulator-sinch-api-token' },
  plivo: { authId: 'MASIMULATOR000000001', authToken: 'simulator-plivo-auth-token' },
  infobip: { apiKey: 'simulator-infobip-api-key-0123456789abcdef' },
  sns: {
    accessKeyId: 'AKIASIMULATOR0000001',
    secretAccessKey: 'simulator/sns/secret+access+key/0000000000',
    region: 'us-east-1',
  },
  // The secret is base64 after "whsec_", as Standard Webhooks secrets are.
  http: {
    authorization: 'Bearer simulator-http-sms-token',
    signingSecret: 'whsec_c2ltdWxhdG9yLWh0dHAtc21zLXNpZ25pbmctc2VjcmV0',
  },
};

const simulations: readonly ProviderSimulation[] = [
  twilioSimulation,
  aliyunSimulation,
  tencentSimulation,
  vonageSimulation,
  plivoSimulation,
  sinchSimulation,
  infobipSimulation,
  snsSimulation,
  httpSmsSimulation,
];
const maxBody = 1024 * 1024;

export interface SimulatorOptions {
  port?: number;
  host?: string;
  credentials?: Partial<ProviderCredentials>;
  /** How long after accepting a message its first receipt leaves; default 100 ms. */
  receiptDelayMs?: number;
}

export interface ProviderSimulator {
  /** Base URL, e.g. http://127.0.0.1:4010 — put it in a connector's `endpoint`. */
  url: string;
  credentials: ProviderCredentials;
  /** Messages accepted so far, oldest first, optionally for one provider and number. */
  messages(filter?: { provider?: ProviderName; to?: string }): DeliveredMessage[];
  /** Makes the next `times` requests to `provider` fail in the given way. */
  failNext(provider: ProviderName, mode: FailureMode, times?: number): void;
  /**
   * How the provider's next `times` messages are reported (see `ReceiptMode`); without a call each
   * message gets a `delivered` receipt.
   */
  receiptsNext(provider: ProviderName, mode: ReceiptMode, options?: ReceiptOptions): void;
  /**
   * Where Aliyun or Tencent push their status reports, as set in their consoles; undefined stops
   * them. Twilio reports to each message's StatusCallback instead.
   */
  setReportUrl(provider: 'aliyun' | 'tencent', url: string | undefined): void;
  /** Receipts sent so far, oldest first, with the receiver's answers. */
  receipts(filter?: { provider?: ProviderName; messageId?: string }): SentReceipt[];
  /** Resolves once every receipt planned so far has been sent and answered. */
  receiptsSettled(): Promise<void>;
  /** Forgets messages, queued failures and planned receipts (report URLs stay). */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts the simulator. Control endpoints live under `/__simulator/` so a person can drive it with
 * curl: `GET /__simulator/messages?provider=twilio&to=...`, `POST /__simulator/fail`
 * `{ "provider", "mode", "times"? }`, `POST /__simulator/receipts`
 * `{ "provider", "mode", "times"?, "errorCode"?, "delayMs"? }`, `POST /__simulator/report-url`
 * `{ "provider", "url" }`, `GET /__simulator/receipts?provider=...`, `POST /__simulator/reset`.
 */
export async function startProviderSimulator(options: SimulatorOptions = {}): Promise<ProviderSimulator> {
  const credentials: ProviderCredentials = { ...defaultCredentials, ...options.credentials };
  let delivered: DeliveredMessage[] = [];
  let failures = new Map<ProviderName, FailureMode[]>();
  const hanging = new Set<ServerResponse>();
  const receipts = createReceiptSender({ credentials, baseDelayMs: options.receiptDelayMs ?? 100 });

  const messages = (filter: { provider?: ProviderName; to?: string } = {}) =>
    delivered.filter(
      (message) =>
        (!filter.provider || message.provider === filter.provider) && (!filter.to || sameNumber(message.to, filter.to)),
    );
  const failNext = (provider: ProviderName, mode: FailureMode, times = 1) => {
    const queue = failures.get(provider) ?? [];
    for (let index = 0; index < times; index++) queue.push(mode);
    failures.set(provider, queue);
  };
  const reset = () => {
    delivered = [];
    failures = new Map();
    receipts.reset();
  };
  const receiptApi = {
    receiptsNext: receipts.next,
    setReportUrl: receipts.setReportUrl,
    receipts: receipts.sent,
    receiptsSettled: receipts.settled,
  };

  const server = createServer((incoming, outgoing) => {
    readBody(incoming)
      .then((rawBody) => {
        const url = new URL(incoming.url ?? '/', 'http://simulator.local');
        const request: SimulatedRequest = { method: incoming.method ?? 'GET', url, headers: incoming.headers, rawBody };
        if (url.pathname.startsWith('/__simulator/')) {
          return send(outgoing, control(request, { messages, failNext, reset, ...receiptApi }));
        }
        const simulation = simulations.find((candidate) => candidate.matches(request));
        if (!simulation) {
          return send(outgoing, { status: 404, body: { error: 'no simulated provider API at this path' } });
        }
        const result = simulation.handle(request, {
          credentials,
          failure: failures.get(simulation.name)?.shift(),
          deliver: (message) => {
            const full = { ...message, receivedAt: new Date() };
            delivered.push(full);
            receipts.schedule(full);
            return full;
          },
          now: () => new Date(),
        });
        if (result === 'hang') {
          hanging.add(outgoing);
          outgoing.on('close', () => hanging.delete(outgoing));
          return;
        }
        send(outgoing, result);
      })
      .catch((error: unknown) => send(outgoing, { status: 400, body: { error: (error as Error).message } }));
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    credentials,
    messages,
    failNext,
    ...receiptApi,
    reset,
    close: () =>
      new Promise<void>((resolve) => {
        receipts.reset();
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function control(
  request: SimulatedRequest,
  api: Pick<ProviderSimulator, 'messages' | 'failNext' | 'reset' | 'receiptsNext' | 'setReportUrl' | 'receipts'>,
): SimulatedResponse {
  const action = request.url.pathname.slice('/__simulator/'.length);
  if (action === 'messages' && request.method === 'GET') {
    const provider = request.url.searchParams.get('provider') as ProviderName | null;
    const to = request.url.searchParams.get('to');
    return { status: 200, body: api.messages({ provider: provider ?? undefined, to: to ?? undefined }) };
  }
  if (action === 'fail' && request.method === 'POST') {
    const { provider, mode, times } = JSON.parse(request.rawBody || '{}') as {
      provider: ProviderName;
      mode: FailureMode;
      times?: number;
    };
    api.failNext(provider, mode, times);
    return { status: 204, body: '' };
  }
  if (action === 'receipts' && request.method === 'POST') {
    const { provider, mode, ...options } = JSON.parse(request.rawBody || '{}') as {
      provider: ProviderName;
      mode: ReceiptMode;
    } & ReceiptOptions;
    api.receiptsNext(provider, mode, options);
    return { status: 204, body: '' };
  }
  if (action === 'receipts' && request.method === 'GET') {
    const provider = request.url.searchParams.get('provider') as ProviderName | null;
    return { status: 200, body: api.receipts({ provider: provider ?? undefined }) };
  }
  if (action === 'report-url' && request.method === 'POST') {
    const { provider, url } = JSON.parse(request.rawBody || '{}') as { provider: 'aliyun' | 'tencent'; url?: string };
    api.setReportUrl(provider, url);
    return { status: 204, body: '' };
  }
  if (action === 'reset' && request.method === 'POST') {
    api.reset();
    return { status: 204, body: '' };
  }
  return { status: 404, body: { error: `unknown simulator control ${request.method} ${action}` } };
}

function sameNumber(a: string, b: string): boolean {
  const digits = (value: string) => value.replace(/\D/g, '').replace(/^00/, '');
  const left = digits(a);
  const right = digits(b);
  return left === right || left.endsWith(right) || right.endsWith(left);
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) {
        reject(new Error('request body too large'));
        incoming.destroy();
        return;
      }
      chunks.push(chunk);
    });
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
  });
}

function send(outgoing: ServerResponse, response: SimulatedResponse): void {
  const isText = typeof response.body === 'string';
  const payload = isText ? (response.body as string) : JSON.stringify(response.body);
  outgoing.writeHead(response.status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'x-simulator-request-id': randomUUID(),
    ...response.headers,
  });
  outgoing.end(payload);
}
