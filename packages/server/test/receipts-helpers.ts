import type { ProviderSimulator } from '@passline/provider-simulator';
import { expect } from 'vitest';
import type { PasslineOverrides } from '../src/main.ts';
import { startTestPassline, type TestPassline } from './app.ts';
import type { TestDatabase } from './engines.ts';
import { freePort } from './oidc-test-app.ts';

import { type Provider, providerConfig } from './simulator-connectors.ts';

/**
 * Passline listening on 127.0.0.1 at the port its PASSLINE_PUBLIC_URL names, so the simulator's
 * receipts reach it over real HTTP; limits high enough for a suite's sends.
 */
export async function startReceiptsPassline(
  database: TestDatabase,
  overrides: PasslineOverrides & { publicUrl?: string; port?: number } = {},
): Promise<TestPassline & { origin: string }> {
  const { publicUrl, port: chosenPort, ...rest } = overrides;
  const port = chosenPort ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const passline = await startTestPassline(database, { ...rest, config: { publicUrl: publicUrl ?? origin } });
  await passline.app.listen({ port, host: '127.0.0.1' });
  await passline.request('PATCH', '/api/settings/verification', {
    body: { resendCooldownSeconds: 0, phoneHourlyLimit: 100, phoneDailyLimit: 100, ipHourlyLimit: 1000 },
  });
  await passline.request('PATCH', '/api/settings/protection', {
    body: {
      prefixHourlyLimit: 10_000,
      countryHourlyLimit: 10_000,
      globalHourlyLimit: 100_000,
      globalDailyLimit: 100_000,
      guardMinSends: 1_000_000,
    },
  });
  return Object.assign(passline, { origin });
}

/** Saves a connector for the provider (active: new connectors are) and returns its view. */
export async function addConnector(passline: TestPassline, simulator: ProviderSimulator, provider: Provider) {
  const created = await passline.request('POST', '/api/connectors', { body: providerConfig(simulator, provider) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; factoryId: string; receiptUrl: string | null };
}

/** Sends a code through the active connector; returns the verification id. */
export async function sendCode(passline: TestPassline, to: string): Promise<string> {
  const sent = await passline.request('POST', '/api/verifications', {
    body: { to, usage: 'SignIn' },
    key: passline.verifyKey,
  });
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  return sent.body.id as string;
}

export interface LoggedMessage {
  id: string;
  verificationId: string | null;
  providerMessageId: string | null;
  receiptsSupported: boolean;
  delivery: {
    status: 'delivered' | 'undelivered';
    errorCode: string | null;
    at: string;
    afterMs: number | null;
  } | null;
}

/** The message-log entry of a verification's send. */
export async function loggedMessage(passline: TestPassline, verificationId: string): Promise<LoggedMessage> {
  const page = await passline.request('GET', '/api/messages?limit=200');
  expect(page.status).toBe(200);
  const message = (page.body.items as LoggedMessage[]).find((item) => item.verificationId === verificationId);
  if (!message) throw new Error(`no message in the log for verification ${verificationId}`);
  return message;
}

/** Distinct numbers per provider: Aliyun and Tencent get mainland China numbers, Twilio US ones. */
export function numbers(provider: Provider, start: number): () => string {
  let next = start;
  return () => {
    next += 1;
    const tail = String(next).padStart(4, '0');
    return provider === 'twilio' ? `+1201555${tail}` : `+86138001${tail.padStart(5, '0')}`;
  };
}
