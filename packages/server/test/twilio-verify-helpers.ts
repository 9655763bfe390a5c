import twilio from 'twilio';
import type { Config } from '../src/config.ts';
import { manualClock, startTestPassline, type TestPassline, useDevSms } from './app.ts';
import type { TestDatabase } from './engines.ts';
import { freePort } from './oidc-test-app.ts';

export type TwilioClient = ReturnType<typeof twilio>;

/** Passline listening on 127.0.0.1 with its public URL set to that address (the `url` fields and `next_page_url`). */
export async function startTwilioVerifyPassline(
  database: TestDatabase,
  options: { devSms?: boolean; config?: Partial<Config> } = {},
) {
  const clock = manualClock();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const passline = await startTestPassline(
    { ...database, config: { ...database.config, ...options.config, publicUrl: url } },
    { clock },
  );
  const dev = options.devSms === false ? undefined : await useDevSms(passline);
  await passline.app.listen({ port, host: '127.0.0.1' });
  return { passline, dev: dev as Awaited<ReturnType<typeof useDevSms>>, clock, url };
}

/** A verify key and the SDK client an app would build from its Account SID and key, pointed at Passline. */
export async function twilioClientFor(passline: TestPassline, url: string, name = 'twilio app') {
  const { key, apiKey } = await passline.apiKeys.create({ name, scope: 'verify' });
  const accountSid = apiKey.accountSid as string;
  const client = twilio(accountSid, key);
  client.verify.baseUrl = url;
  return { client, accountSid, key };
}

/** What the SDK threw (a RestException carries `status`, `code`, `moreInfo`, `message`). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ status: number; code: number; message: string; moreInfo: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { status: number; code: number; message: string; moreInfo: string };
  }
  throw new Error('expected the call to fail');
}

export { twilio };
