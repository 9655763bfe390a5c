import { Writable } from 'node:stream';
import pino from 'pino';
import type { Clock } from '../src/clock.ts';
import type { Config } from '../src/config.ts';
import { createPassline, type Passline, type PasslineOverrides } from '../src/main.ts';
import type { TestDatabase } from './engines.ts';

export interface TestPassline extends Passline {
  adminKey: string;
  verifyKey: string;
  /** Every log line written so far, as raw JSON text. */
  logs(): string;
  request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options?: { body?: unknown; key?: string | null; headers?: Record<string, string>; rawBody?: string },
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
}

/** Boots the real app (real storage, real services) in process, with log capture and two API keys. */
export async function startTestPassline(
  database: TestDatabase,
  overrides: PasslineOverrides & { config?: Partial<Config> } = {},
): Promise<TestPassline> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const { config: configOverrides, ...rest } = overrides;
  const passline = await createPassline(
    { ...database.config, ...configOverrides },
    {
      logger: pino({ level: 'debug' }, sink),
      searchPath: database.searchPath,
      ...rest,
    },
  );
  const admin = await passline.apiKeys.create({ name: 'test admin', scope: 'admin' });
  const verify = await passline.apiKeys.create({ name: 'test backend', scope: 'verify' });
  return Object.assign(passline, {
    adminKey: admin.key,
    verifyKey: verify.key,
    logs: () => lines.join(''),
    async request(
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: string,
      options: { body?: unknown; key?: string | null; headers?: Record<string, string>; rawBody?: string } = {},
    ) {
      const key = options.key === undefined ? admin.key : options.key;
      const headers: Record<string, string> = {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...options.headers,
      };
      const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      const response = await passline.app.inject({
        method,
        url,
        headers,
        payload,
      });
      let body: unknown;
      try {
        body = response.body ? JSON.parse(response.body) : undefined;
      } catch {
        body = response.body;
      }
      return { status: response.statusCode, body, headers: response.headers };
    },
  });
}

export const devSmsConfig = {
  templates: [
    { usageType: 'Register', content: 'Register code {{code}}' },
    { usageType: 'SignIn', content: 'SignIn code {{code}}' },
    { usageType: 'ForgotPassword', content: 'Reset code {{code}}' },
    { usageType: 'Generic', content: 'Generic code {{code}}' },
  ],
};

/** Activates dev-sms and returns a reader of the newest code sent to a number, from the outbox API. */
export async function useDevSms(passline: TestPassline) {
  const created = await passline.request('POST', '/api/connectors', {
    body: { factoryId: 'dev-sms', config: devSmsConfig },
  });
  if (created.status !== 201) throw new Error(`dev-sms setup failed: ${JSON.stringify(created.body)}`);
  return {
    connectorId: created.body.id as string,
    async latestCode(to: string): Promise<string> {
      const outbox = await passline.request('GET', `/api/dev/outbox?to=${encodeURIComponent(to)}`);
      const text = outbox.body[0]?.text as string | undefined;
      const code = text?.match(/(\d{4,10})$/)?.[1];
      if (!code) throw new Error(`no code in the outbox for ${to}`);
      return code;
    },
  };
}

/** A clock the test moves by hand, so expiry and windows need no sleeping. */
export function manualClock(start = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Distinct valid numbers, so tests do not share rate-limit buckets or accounts. */
export function phoneSequence(areaCode: string): () => string {
  let counter = 0;
  return () => {
    counter += 1;
    return `+1${areaCode}555${String(1000 + counter).slice(-4)}`;
  };
}
