import { parseConnectorConfig } from '@passline/connector-kit';
import { expectConnectorError } from '@passline/connector-kit/conformance';
import { describe, expect, it } from 'vitest';
import { statusCodesUrl } from './errors.ts';
import { sinchSmsConnector } from './index.ts';
import { context, plainConfig, sender } from './test-helpers.ts';

describe('sinch-sms error mapping', () => {
  const config = parseConnectorConfig(sinchSmsConnector, { ...plainConfig, region: 'eu' });
  const to = '+447700900123';

  /** A fetch that answers once with a canned Sinch reply and keeps the request it got. */
  function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
    const seen: Request[] = [];
    const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      seen.push(new Request(input, init));
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
    }) as typeof fetch;
    return { fetch: fakeFetch, seen };
  }

  const sendWith = (fakeFetch: typeof fetch) =>
    expectConnectorError(
      sinchSmsConnector.sendMessage({ to, usage: 'SignIn', payload: { code: '123456' } }, config, {
        ...context,
        fetch: fakeFetch,
      }),
    );
  const failing = (status: number, code: string, text = 'text from Sinch') =>
    sendWith(answering(status, { code, text }).fetch);

  it('posts from, to and body as JSON with the Bearer token to the region host', async () => {
    const { fetch: fakeFetch, seen } = answering(201, { id: '01FC66621XXXXX119Z8PMV1QPQ', to: ['447700900123'] });
    const result = await sinchSmsConnector.sendMessage({ to, usage: 'SignIn', payload: { code: '987654' } }, config, {
      ...context,
      fetch: fakeFetch,
    });
    expect(result.messageId).toBe('01FC66621XXXXX119Z8PMV1QPQ');
    const request = seen[0] as Request;
    expect(request.url).toBe('https://eu.sms.api.sinch.com/xms/v1/0123456789abcdef0123456789abcdef/batches');
    expect(request.method).toBe('POST');
    expect(request.headers.get('authorization')).toBe('Bearer token');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(await request.json()).toEqual({ from: sender, to: [to], body: 'Sign-in code: 987654' });
  });

  it('keeps a created batch without an id as sent (null id), never as a failure to resend', async () => {
    const result = await sinchSmsConnector.sendMessage({ to, usage: 'SignIn', payload: { code: '1' } }, config, {
      ...context,
      fetch: answering(201, { canceled: false }).fetch,
    });
    expect(result.messageId).toBeNull();
  });

  it('maps a malformed recipient (syntax_invalid_parameter_format) to invalid_recipient with code, text and link', async () => {
    const error = await failing(400, 'syntax_invalid_parameter_format', `Invalid MSISDN: ${to}`);
    expect(error).toMatchObject({
      kind: 'invalid_recipient',
      providerCode: 'syntax_invalid_parameter_format',
      providerMessage: `Invalid MSISDN: ${to}`,
      httpStatus: 400,
    });
    expect(error.message).toContain(to);
    expect(error.message).toContain(statusCodesUrl);
  });

  it('maps a malformed sender (the same code, naming "from") to invalid_config', async () => {
    const error = await failing(400, 'syntax_invalid_parameter_format', `Invalid from address: ${sender}`);
    expect(error).toMatchObject({ kind: 'invalid_config', providerCode: 'syntax_invalid_parameter_format' });
    expect(error.message).toContain(sender);
  });

  it('maps the other request errors (400) to invalid_config or provider_rejected', async () => {
    expect(await failing(400, 'syntax_constraint_violation')).toMatchObject({
      kind: 'invalid_config',
      httpStatus: 400,
    });
    expect(await failing(400, 'missing_parameter')).toMatchObject({ kind: 'invalid_config' });
    const json = await failing(400, 'syntax_invalid_json');
    expect(json).toMatchObject({ kind: 'provider_rejected', providerCode: 'syntax_invalid_json' });
    expect(json.message).toContain('proxy');
  });

  it('maps refused credentials (401, 403 unauthorized/forbidden) to invalid_config naming the plan', async () => {
    for (const [status, code] of [
      [401, 'unauthorized'],
      [403, 'forbidden'],
    ] as const) {
      const error = await failing(status, code);
      expect(error).toMatchObject({ kind: 'invalid_config', providerCode: code, httpStatus: status });
      expect(error.message).toContain('0123456789abcdef0123456789abcdef');
      expect(error.message).toContain('apiToken');
    }
    // Sinch's gateway may refuse a token with an empty body: the status alone is enough.
    expect(await sendWith(answering(401, '').fetch)).toMatchObject({ kind: 'invalid_config', httpStatus: 401 });
  });

  it('maps the account and number refusals (403) to the kind the admin can act on', async () => {
    expect(await failing(403, 'blocked_account')).toMatchObject({ kind: 'provider_rejected' });
    expect(await failing(403, 'illegal_number_type')).toMatchObject({ kind: 'invalid_recipient' });
    expect(await failing(403, 'unprovisioned_region')).toMatchObject({ kind: 'invalid_config' });
    expect((await failing(403, 'unprovisioned_region')).message).toContain('eu');
    expect(await failing(403, 'missing_callback_url')).toMatchObject({ kind: 'invalid_config' });
    expect(await failing(403, 'unknown_group')).toMatchObject({ kind: 'provider_rejected' });
    expect(await failing(403, 'unknown_campaign')).toMatchObject({ kind: 'provider_rejected' });
  });

  it('maps an unknown service plan (404 with a Sinch body) to invalid_config, and a bare 404 to provider_unavailable', async () => {
    const error = await failing(404, 'not_found');
    expect(error).toMatchObject({ kind: 'invalid_config', httpStatus: 404 });
    expect(error.message).toContain('region');
    expect(await sendWith(answering(404, '<html>Not Found</html>').fetch)).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 404,
    });
  });

  it('maps throttling (429) to rate_limited and keeps Retry-After', async () => {
    const error = await sendWith(
      answering(429, { code: 'too_many_requests', text: 'Too many requests' }, { 'Retry-After': '3' }).fetch,
    );
    expect(error).toMatchObject({ kind: 'rate_limited', providerCode: 'too_many_requests', retryAfterSeconds: 3 });
    expect(await sendWith(answering(429, '').fetch)).toMatchObject({ kind: 'rate_limited' });
  });

  it('maps server errors (5xx), with or without a body, to provider_unavailable', async () => {
    expect(await failing(500, 'internal_error')).toMatchObject({ kind: 'provider_unavailable', httpStatus: 500 });
    expect(await sendWith(answering(503, 'Service Unavailable').fetch)).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 503,
    });
  });

  it("maps a code it does not know to provider_rejected, keeping Sinch's code and text", async () => {
    const error = await failing(400, 'some_new_code', 'new');
    expect(error).toMatchObject({ kind: 'provider_rejected', providerCode: 'some_new_code', providerMessage: 'new' });
  });
});
