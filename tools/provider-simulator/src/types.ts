import type { IncomingHttpHeaders } from 'node:http';

export type ProviderName = 'twilio' | 'aliyun' | 'tencent' | 'plivo' | 'sinch' | 'vonage' | 'infobip' | 'sns' | 'http';

export interface SimulatedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface SimulatedResponse {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string. */
  body: unknown;
}

/** One message a provider accepted, as the simulator understood it. */
export interface DeliveredMessage {
  provider: ProviderName;
  /** The number as the provider received it (E.164 for Twilio, as sent for the others). */
  to: string;
  /** The text that would reach the phone: the rendered body, or for template providers the template code and its parameters. */
  text: string;
  templateCode?: string;
  params?: Record<string, string> | string[];
  sender?: string;
  messageId: string;
  /** Twilio: the `StatusCallback` the message was sent with, where its receipts go. */
  statusCallback?: string;
  receivedAt: Date;
}

/**
 * Ways a provider can be told to misbehave for the next requests:
 * - `server_error`: HTTP 500/503 with the provider's error body;
 * - `hang`: accept the connection and never answer;
 * - `rate_limited`: the provider's own throttling error;
 * - `invalid_number`: the provider's own invalid-recipient error;
 * - `rejected`: a generic business refusal (e.g. unapproved template / unsubscribed number).
 */
export type FailureMode = 'server_error' | 'hang' | 'rate_limited' | 'invalid_number' | 'rejected';

export interface ProviderCredentials {
  twilio: { accountSid: string; authToken: string };
  aliyun: { accessKeyId: string; accessKeySecret: string };
  tencent: { secretId: string; secretKey: string; sdkAppId: string };
  vonage: {
    apiKey: string;
    apiSecret: string;
    signatureSecret: string;
    signatureMethod: 'md5hash' | 'md5' | 'sha1' | 'sha256' | 'sha512';
  };
  sinch: { servicePlanId: string; apiToken: string };
  plivo: { authId: string; authToken: string };
  infobip: { apiKey: string };
  sns: { accessKeyId: string; secretAccessKey: string; region: string };
  /** The generic HTTP receiver: the Authorization header it expects and its Standard Webhooks secret. */
  http: { authorization: string; signingSecret: string };
}

/** What a provider module gets from the shell for one request. */
export interface ProviderState {
  credentials: ProviderCredentials;
  /** The failure to act out for this request, if one was queued for this provider. */
  failure: FailureMode | undefined;
  /** Records an accepted message; returns it. */
  deliver(message: Omit<DeliveredMessage, 'receivedAt'>): DeliveredMessage;
  now(): Date;
}

/** One simulated provider API. `matches` routes the request; `handle` answers it. */
export interface ProviderSimulation {
  name: ProviderName;
  matches(request: SimulatedRequest): boolean;
  handle(request: SimulatedRequest, state: ProviderState): SimulatedResponse | 'hang';
}
