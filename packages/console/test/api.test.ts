import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectorsSchema, noContentSchema, verificationSettingsSchema } from '@passline/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from '../src/api.ts';

/**
 * The console's api() against a real HTTP server that answers what each test needs. In the browser
 * a path like /api/connectors resolves against the page's origin; here fetch is given that origin.
 */
describe("the console's api()", () => {
  const answers = new Map<string, { status: number; body: string; type?: string }>();
  let server: Server;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const answer = answers.get(`${request.method} ${request.url}`) ?? { status: 404, body: '' };
      response.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' });
      response.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', (path: string, init?: RequestInit) => realFetch(new URL(path, origin), init));
  });
  afterAll(async () => {
    vi.unstubAllGlobals();
    await new Promise((resolve) => server.close(resolve));
  });

  const connector = {
    id: 'con_1',
    factoryId: 'dev-sms',
    type: 'sms',
    name: 'Dev SMS',
    logo: '',
    active: true,
    config: {},
    receiptUrl: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };

  it('returns an answer that matches the route schema', async () => {
    answers.set('GET /api/connectors', { status: 200, body: JSON.stringify([connector]) });
    expect(await api('GET', '/api/connectors', connectorsSchema)).toEqual([connector]);
  });

  it('refuses an answer of another shape, saying where it differs', async () => {
    // An older or foreign server: `active` as a string, `config` missing.
    const { config: _config, ...withoutConfig } = connector;
    answers.set('GET /api/connectors', { status: 200, body: JSON.stringify([{ ...withoutConfig, active: 'yes' }]) });
    const error = await api('GET', '/api/connectors', connectorsSchema).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.code).toBe('response.unexpected');
    expect(apiError.status).toBe(200);
    expect(apiError.message).toContain('GET /api/connectors');
    expect(apiError.message).toContain('0.active');
    expect(apiError.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['0.active', '0.config']));
  });

  it('refuses an answer that is not JSON, and an empty answer where a body is due', async () => {
    answers.set('GET /api/settings/verification', { status: 200, body: '<html>proxy</html>', type: 'text/html' });
    await expect(api('GET', '/api/settings/verification', verificationSettingsSchema)).rejects.toMatchObject({
      code: 'response.unexpected',
    });
    answers.set('GET /api/settings/verification', { status: 200, body: '' });
    await expect(api('GET', '/api/settings/verification', verificationSettingsSchema)).rejects.toMatchObject({
      code: 'response.unexpected',
    });
  });

  it("takes a 204 as the route's empty answer", async () => {
    answers.set('DELETE /api/connectors/con_1', { status: 204, body: '' });
    expect(await api('DELETE', '/api/connectors/con_1', noContentSchema)).toBeNull();
  });

  it("passes on the server's error code and message, or the status when the body is not Passline's", async () => {
    const body = { error: { code: 'connector.not_found', message: 'No connector with id con_2.' } };
    answers.set('GET /api/connectors/con_2', { status: 404, body: JSON.stringify(body) });
    await expect(api('GET', '/api/connectors/con_2', connectorsSchema)).rejects.toMatchObject({
      status: 404,
      code: 'connector.not_found',
      message: 'No connector with id con_2.',
    });
    answers.set('GET /api/connectors/con_3', { status: 502, body: '<html>Bad gateway</html>', type: 'text/html' });
    await expect(api('GET', '/api/connectors/con_3', connectorsSchema)).rejects.toMatchObject({
      status: 502,
      code: 'http.502',
    });
  });
});
