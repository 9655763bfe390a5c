import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConnectorConfig } from '@passline/connector-kit';
import { expectConnectorError } from '@passline/connector-kit/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpSmsConnector } from './index.ts';
import { context } from './test-helpers.ts';

/**
 * An endpoint written for Logto's HTTP SMS connector, as its README describes the request: a JSON
 * POST of `{ to, type, payload: { code } }` with the configured Authorization header, any 2xx
 * meaning "taken". It reads only those fields, as such a receiver would, and must read Passline's
 * request unchanged.
 */
interface LogtoSmsRequest {
  to: string;
  type: string;
  payload: { code?: string; locale?: string };
}

const logtoAuthorization = 'Bearer logto-era-token';
const sent: Array<{ to: string; text: string }> = [];
let lastPath = '';

const logtoReceiver: Server = createServer((request, response) => {
  let raw = '';
  request.on('data', (chunk) => {
    raw += chunk;
  });
  request.on('end', () => {
    lastPath = request.url ?? '';
    if (request.url === '/old-path') {
      response.writeHead(307, { location: '/sms' }).end();
      return;
    }
    if (request.method !== 'POST' || request.headers['content-type'] !== 'application/json') {
      response.writeHead(415).end();
      return;
    }
    if (request.headers.authorization !== logtoAuthorization) {
      response.writeHead(401).end('unauthorized');
      return;
    }
    const { to, type, payload } = JSON.parse(raw) as LogtoSmsRequest;
    const greeting: Record<string, string> = { SignIn: 'Sign in', Register: 'Welcome' };
    sent.push({ to, text: `${greeting[type] ?? type}: ${payload.code} (${payload.locale ?? 'en'})` });
    // Logto's connector reads nothing from the answer; an empty 200 is what such endpoints send.
    response.writeHead(200).end();
  });
});

describe("http-sms read by an endpoint written for Logto's HTTP SMS connector", () => {
  let endpoint = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => logtoReceiver.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(logtoReceiver.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => logtoReceiver.close(resolve)));
  beforeEach(() => {
    sent.length = 0;
  });

  /** The migrated config: Logto's two fields, copied as they were. */
  const send = (usage: string, locale: string | undefined, path = '/sms', authorization = logtoAuthorization) =>
    httpSmsConnector.sendMessage(
      { to: '+14155550123', usage, locale, payload: { code: '246810', expiresInMinutes: '10' } },
      parseConnectorConfig(httpSmsConnector, { endpoint: `${endpoint}${path}`, authorization }),
      context,
    );

  it('delivers with the Logto config fields and body unchanged; an empty 200 is a sent message', async () => {
    expect(await send('SignIn', 'de-DE')).toEqual({ messageId: null });
    expect(await send('Register', undefined)).toEqual({ messageId: null });
    expect(sent).toEqual([
      { to: '+14155550123', text: 'Sign in: 246810 (de-DE)' },
      { to: '+14155550123', text: 'Welcome: 246810 (en)' },
    ]);
  });

  it("reports the endpoint's refusal of the Authorization value as invalid_config", async () => {
    const error = await expectConnectorError(send('SignIn', undefined, '/sms', 'Bearer rotated'));
    expect(error).toMatchObject({ kind: 'invalid_config', httpStatus: 401, providerMessage: 'unauthorized' });
    expect(sent).toEqual([]);
  });

  it('does not follow a redirect over real HTTP: it reports it and the code goes nowhere else', async () => {
    const error = await expectConnectorError(send('SignIn', undefined, '/old-path'));
    expect(error).toMatchObject({ kind: 'invalid_config', httpStatus: 307 });
    expect(error.message).toContain('redirects to /sms');
    expect(lastPath).toBe('/old-path');
    expect(sent).toEqual([]);
  });
});
