import { setTimeout as sleep } from 'node:timers/promises';
import type { PasslineOverrides } from '../src/main.ts';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import type { TestDatabase } from './engines.ts';

/**
 * End-user sends deliver in the background, so a code reaches the dev outbox shortly after the
 * response. `next` waits (bounded) for a message newer than the last one it returned for a number.
 */
export function codeReader(passline: TestPassline) {
  const seen = new Map<string, number>();
  async function outbox(to: string): Promise<Array<{ id: number; text: string; usage: string }>> {
    const response = await passline.request('GET', `/api/dev/outbox?to=${encodeURIComponent(to)}`);
    return response.body;
  }
  return {
    outbox,
    async next(to: string): Promise<string> {
      for (let attempt = 0; attempt < 200; attempt++) {
        const [latest] = await outbox(to);
        if (latest && latest.id > (seen.get(to) ?? 0)) {
          seen.set(to, latest.id);
          const code = latest.text.match(/(\d{4,10})$/)?.[1];
          if (!code) throw new Error(`no code in "${latest.text}"`);
          return code;
        }
        await sleep(10);
      }
      throw new Error(`no new message for ${to} in the dev outbox`);
    },
  };
}

export type CodeReader = ReturnType<typeof codeReader>;

/** Experience API calls without an API key, as a browser would make them. */
export function experienceClient(passline: TestPassline, reader: CodeReader) {
  const post = (url: string, body: unknown, headers?: Record<string, string>) =>
    passline.request('POST', url, { body, key: null, headers });
  return {
    post,
    send: (phone: string, event: string) => post('/api/experience/verification-code', { phone, event }),
    verify: (verificationId: string, code: string) =>
      post('/api/experience/verification-code/verify', { verificationId, code }),
    /** Send + read the code + verify: a verification id ready to be used for `event`. */
    async verified(phone: string, event: string): Promise<string> {
      const sent = await post('/api/experience/verification-code', { phone, event });
      if (sent.status !== 200) throw new Error(`send failed: ${JSON.stringify(sent.body)}`);
      const verified = await post('/api/experience/verification-code/verify', {
        verificationId: sent.body.verificationId,
        code: await reader.next(phone),
      });
      if (verified.status !== 200) throw new Error(`verify failed: ${JSON.stringify(verified.body)}`);
      return sent.body.verificationId as string;
    },
    async register(phone: string, password?: string) {
      const verificationId = await this.verified(phone, 'Register');
      const registered = await post('/api/experience/register', { verificationId, password });
      if (registered.status !== 201) throw new Error(`register failed: ${JSON.stringify(registered.body)}`);
      return registered.body as {
        user: { id: string; phone: string };
        accessToken: string;
        refreshToken: string;
        expiresIn: number;
      };
    },
    account: (accessToken: string) => passline.request('GET', '/api/account', { key: accessToken }),
    refresh: (refreshToken: string) => post('/api/token', { grant_type: 'refresh_token', refresh_token: refreshToken }),
  };
}

export type ExperienceClient = ReturnType<typeof experienceClient>;

/** The real app with dev-sms active, a reader of delivered codes and an Experience API client. */
export async function startExperienceApp(database: TestDatabase, overrides: PasslineOverrides = {}) {
  const passline = await startTestPassline(database, overrides);
  await useDevSms(passline);
  const reader = codeReader(passline);
  return { passline, reader, client: experienceClient(passline, reader) };
}
