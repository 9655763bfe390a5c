import { parseConnectorConfig } from '@passline/connector-kit';
import { expectConnectorError } from '@passline/connector-kit/conformance';
import { describe, expect, it } from 'vitest';
import { statusDocs } from './errors.ts';
import { vonageSmsConnector } from './index.ts';
import { context, templates } from './test-helpers.ts';

describe('vonage-sms error mapping', () => {
  const raw = { apiKey: 'a1b2c3d4', apiSecret: 'secret', brandName: 'Passline', templates };
  const config = parseConnectorConfig(vonageSmsConnector, raw);

  /** A fetch that answers once with a canned Vonage reply and keeps the request it got. */
  function answering(status: number, body: unknown) {
    const seen: Request[] = [];
    const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      seen.push(new Request(input, init));
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
    }) as typeof fetch;
    return { fetch: fakeFetch, seen };
  }
  const refused = (status: string, errorText = 'text from Vonage') => ({
    'message-count': '1',
    messages: [{ status, 'error-text': errorText }],
  });
  const sendWith = (fakeFetch: typeof fetch, usage = 'SignIn', payload = { code: '123456' }) =>
    expectConnectorError(
      vonageSmsConnector.sendMessage({ to: '+447700900000', usage, payload }, config, { ...context, fetch: fakeFetch }),
    );

  it('posts api_key, api_secret, from, to without + and text as a form to rest.nexmo.com', async () => {
    const { fetch: fakeFetch, seen } = answering(200, {
      'message-count': '1',
      messages: [{ to: '447700900000', 'message-id': '0A0000000123ABCD1', status: '0' }],
    });
    const result = await vonageSmsConnector.sendMessage(
      { to: '+447700900000', usage: 'SignIn', payload: { code: '987654' } },
      config,
      { ...context, fetch: fakeFetch },
    );
    expect(result.messageId).toBe('0A0000000123ABCD1');
    const request = seen[0] as Request;
    expect(request.url).toBe('https://rest.nexmo.com/sms/json');
    expect(request.method).toBe('POST');
    expect(request.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(await request.text()))).toEqual({
      api_key: 'a1b2c3d4',
      api_secret: 'secret',
      from: 'Passline',
      to: '447700900000',
      text: 'Sign-in code: 987654',
    });
  });

  it('sends type=unicode only for text outside the GSM alphabet', async () => {
    const unicode = parseConnectorConfig(vonageSmsConnector, {
      ...raw,
      templates: [...templates, { usageType: 'SignIn', locale: 'ru', content: 'Код: {{code}}' }],
    });
    const { fetch: fakeFetch, seen } = answering(200, { messages: [{ status: '0', 'message-id': 'X' }] });
    const send = (locale?: string) =>
      vonageSmsConnector.sendMessage(
        { to: '+447700900000', usage: 'SignIn', locale, payload: { code: '1' } },
        unicode,
        { ...context, fetch: fakeFetch },
      );
    await send('ru');
    await send();
    const forms = await Promise.all(seen.map(async (request) => new URLSearchParams(await request.text())));
    expect(forms[0]?.get('type')).toBe('unicode');
    expect(forms[0]?.get('text')).toBe('Код: 1');
    expect(forms[1]?.has('type')).toBe(false);
  });

  // One case per family of documented statuses; every status documented is mapped in errors.ts.
  const cases: Array<[string, string, string, RegExp]> = [
    ['1', 'Throughput Rate Exceeded', 'rate_limited', /throughput/],
    ['10', 'Too many binds', 'rate_limited', /throughput/],
    ['2', 'Missing from param', 'invalid_config', /brandName/],
    ['3', 'Invalid from param', 'invalid_config', /Passline/],
    ['3', 'Invalid to address', 'invalid_recipient', /\+447700900000/],
    ['4', 'Bad Credentials', 'invalid_config', /a1b2c3d4.*apiSecret/],
    ['14', 'Invalid Signature', 'invalid_config', /signatureMethod/],
    ['32', 'Signature and api secret disallowed', 'invalid_config', /signatureSecret/],
    ['8', 'Account barred', 'invalid_config', /suspended/],
    ['11', 'HTTP not enabled', 'invalid_config', /REST SMS API/],
    ['12', 'Message too long', 'invalid_config', /shorten/],
    ['15', 'Illegal Sender Address', 'invalid_config', /Passline/],
    ['23', 'Invalid callback', 'invalid_config', /receipt URL/],
    ['5', 'Internal Error', 'provider_unavailable', /try again/],
    ['6', 'Invalid Message', 'invalid_recipient', /\+447700900000/],
    ['33', 'Number de-activated', 'invalid_recipient', /deactivated/],
    ['7', 'Number barred.', 'provider_rejected', /barred/],
    ['9', 'Quota Exceeded', 'provider_rejected', /credit/],
    ['22', 'Invalid network code', 'provider_rejected', /network/],
    ['29', 'Non White-listed Destination', 'provider_rejected', /Test numbers/],
    ['99', 'Something new', 'provider_rejected', /status list/],
  ];
  for (const [status, errorText, kind, advice] of cases) {
    it(`maps status ${status} (${errorText}) to ${kind}`, async () => {
      const error = await sendWith(answering(200, refused(status, errorText)).fetch);
      expect(error).toMatchObject({ kind, providerCode: status, providerMessage: errorText, httpStatus: 200 });
      expect(error.message).toMatch(advice);
      expect(error.message).toContain(`status ${status}`);
      expect(error.message).toContain(statusDocs);
    });
  }

  it('fails the send when any part of a long message failed', async () => {
    const body = {
      'message-count': '2',
      messages: [
        { status: '0', 'message-id': 'A' },
        { status: '9', 'error-text': 'Quota Exceeded' },
      ],
    };
    expect(await sendWith(answering(200, body).fetch)).toMatchObject({ kind: 'provider_rejected', providerCode: '9' });
  });

  it('maps HTTP failures without an SMS API body by their status', async () => {
    expect(await sendWith(answering(503, 'Service Unavailable').fetch)).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 503,
    });
    expect((await sendWith(answering(401, '').fetch)).kind).toBe('invalid_config');
    expect((await sendWith(answering(429, '').fetch)).kind).toBe('rate_limited');
    expect(await sendWith(answering(404, '<html>no</html>').fetch)).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 404,
    });
    expect((await sendWith(answering(200, { messages: [] }).fetch)).kind).toBe('provider_unavailable');
  });
});
