import { parseConnectorConfig } from '@passline/connector-kit';
import { expectConnectorError } from '@passline/connector-kit/conformance';
import { describe, expect, it } from 'vitest';
import { requestErrorsUrl, statusCodesUrl } from './errors.ts';
import { infobipSmsConnector } from './index.ts';
import { context, plainConfig, sender } from './test-helpers.ts';

describe('infobip-sms error mapping', () => {
  const config = parseConnectorConfig(infobipSmsConnector, plainConfig);
  const to = '+447700900123';

  /** A fetch that answers once with a canned Infobip reply and keeps the request it got. */
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
      infobipSmsConnector.sendMessage({ to, usage: 'SignIn', payload: { code: '123456' } }, config, {
        ...context,
        fetch: fakeFetch,
      }),
    );
  /** A v3 request error. */
  const failing = (
    status: number,
    errorCode: string,
    violations: Array<{ property: string; violation: string }> = [],
  ) =>
    sendWith(
      answering(status, {
        errorCode,
        description: 'text from Infobip',
        action: 'what to do',
        violations,
        resources: [],
      }).fetch,
    );
  /** A 200 whose message carries a REJECTED status. */
  const rejected = (id: number, name: string, description = 'text from Infobip') =>
    sendWith(
      answering(200, {
        bulkId: '1',
        messages: [
          {
            messageId: '2',
            destination: '447700900123',
            status: { groupId: 5, groupName: 'REJECTED', id, name, description },
          },
        ],
      }).fetch,
    );

  it('posts sender, destination and text as JSON with the App key to the account base URL', async () => {
    const { fetch: fakeFetch, seen } = answering(200, {
      bulkId: '2034072219640523072',
      messages: [
        {
          messageId: '2250be2d4219-3af1-78856-aabe-1362af1edfd2',
          status: { groupId: 1, groupName: 'PENDING', id: 26, name: 'PENDING_ACCEPTED', description: 'sent' },
          destination: '447700900123',
          details: { messageCount: 1 },
        },
      ],
    });
    const result = await infobipSmsConnector.sendMessage({ to, usage: 'SignIn', payload: { code: '987654' } }, config, {
      ...context,
      fetch: fakeFetch,
    });
    expect(result.messageId).toBe('2250be2d4219-3af1-78856-aabe-1362af1edfd2');
    const request = seen[0] as Request;
    expect(request.url).toBe('https://abc123.api.infobip.com/sms/3/messages');
    expect(request.method).toBe('POST');
    expect(request.headers.get('authorization')).toBe(`App ${plainConfig.apiKey}`);
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(await request.json()).toEqual({
      messages: [{ sender, destinations: [{ to: '447700900123' }], content: { text: 'Sign-in code: 987654' } }],
    });
  });

  it('keeps an accepted message without an id as sent (null id), never as a failure to resend', async () => {
    for (const body of [{ messages: [{ status: { groupName: 'PENDING' } }] }, { bulkId: '1' }]) {
      const result = await infobipSmsConnector.sendMessage({ to, usage: 'SignIn', payload: { code: '1' } }, config, {
        ...context,
        fetch: answering(200, body).fetch,
      });
      expect(result.messageId).toBeNull();
    }
  });

  it('maps refused credentials (401 E401, and the older UNAUTHORIZED body) to invalid_config naming apiKey', async () => {
    const error = await failing(401, 'E401');
    expect(error).toMatchObject({ kind: 'invalid_config', providerCode: 'E401', httpStatus: 401 });
    expect(error.message).toContain('apiKey');
    expect(error.message).toContain('what to do');
    expect(error.message).toContain(requestErrorsUrl);
    const legacy = await sendWith(
      answering(401, {
        requestError: { serviceException: { messageId: 'UNAUTHORIZED', text: 'Invalid login details' } },
      }).fetch,
    );
    expect(legacy).toMatchObject({
      kind: 'invalid_config',
      providerCode: 'UNAUTHORIZED',
      providerMessage: 'Invalid login details',
    });
    // A gateway may refuse a key with an empty body: the status alone is enough.
    expect(await sendWith(answering(401, '').fetch)).toMatchObject({ kind: 'invalid_config', httpStatus: 401 });
  });

  it('maps a key without the SMS scope (403 E403) to invalid_config with the scopes link', async () => {
    const error = await failing(403, 'E403');
    expect(error).toMatchObject({ kind: 'invalid_config', providerCode: 'E403', httpStatus: 403 });
    expect(error.message).toContain('scope');
  });

  it('maps a wrong base URL (404 E404) to invalid_config, and a bare 404 to provider_unavailable', async () => {
    const error = await failing(404, 'E404');
    expect(error).toMatchObject({ kind: 'invalid_config', httpStatus: 404 });
    expect(error.message).toContain('baseUrl');
    expect(await sendWith(answering(404, '<html>Not Found</html>').fetch)).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 404,
    });
  });

  it('maps a 400 E400 by its violations: recipient, sender, text, or the request itself', async () => {
    const recipient = await failing(400, 'E400', [
      { property: 'messages[0].destinations[0].to', violation: 'invalid' },
    ]);
    expect(recipient).toMatchObject({ kind: 'invalid_recipient', providerCode: 'E400', httpStatus: 400 });
    expect(recipient.providerMessage).toContain('messages[0].destinations[0].to: invalid');
    expect(recipient.message).toContain(to);
    const badSender = await failing(400, 'E400', [{ property: 'messages[0].sender', violation: 'invalid' }]);
    expect(badSender).toMatchObject({ kind: 'invalid_config' });
    expect(badSender.message).toContain(sender);
    expect(await failing(400, 'E400', [{ property: 'messages[0].content.text', violation: 'blank' }])).toMatchObject({
      kind: 'invalid_config',
    });
    const request = await failing(400, 'E400');
    expect(request).toMatchObject({ kind: 'provider_rejected' });
    expect(request.message).toContain('proxy');
    const legacy = await sendWith(
      answering(400, {
        requestError: {
          serviceException: {
            messageId: 'BAD_REQUEST',
            text: 'Bad request',
            validationErrors: { 'messages[0].sender': ['invalid'] },
          },
        },
      }).fetch,
    );
    expect(legacy).toMatchObject({ kind: 'invalid_config', providerCode: 'BAD_REQUEST' });
  });

  it('maps throttling (429 E429) to rate_limited and keeps Retry-After', async () => {
    const error = await sendWith(
      answering(429, { errorCode: 'E429', description: 'Too many requests', violations: [] }, { 'Retry-After': '3' })
        .fetch,
    );
    expect(error).toMatchObject({ kind: 'rate_limited', providerCode: 'E429', retryAfterSeconds: 3 });
    expect(await sendWith(answering(429, '').fetch)).toMatchObject({ kind: 'rate_limited' });
  });

  it('maps server errors (5xx, E500 or GENERAL_ERROR), with or without a body, to provider_unavailable', async () => {
    expect(await failing(500, 'E500')).toMatchObject({ kind: 'provider_unavailable', httpStatus: 500 });
    expect(await sendWith(answering(503, 'Service Unavailable').fetch)).toMatchObject({
      kind: 'provider_unavailable',
      httpStatus: 503,
    });
  });

  it('maps an unreadable 200 to provider_unavailable and an unknown request code to provider_rejected', async () => {
    expect(await sendWith(answering(200, 'OK').fetch)).toMatchObject({ kind: 'provider_unavailable', httpStatus: 200 });
    expect(await failing(415, 'E415')).toMatchObject({ kind: 'provider_rejected', providerCode: 'E415' });
  });

  it('maps the rejected recipient statuses (REJECTED_DESTINATION 52, PREFIX_MISSING, MISSING_TO) to invalid_recipient', async () => {
    const error = await rejected(52, 'REJECTED_DESTINATION', 'Invalid destination address');
    expect(error).toMatchObject({
      kind: 'invalid_recipient',
      providerCode: 'REJECTED_DESTINATION',
      providerMessage: 'Invalid destination address',
      httpStatus: 200,
    });
    expect(error.message).toContain(to);
    expect(error.message).toContain(`${statusCodesUrl}#rejected-general-status-codes`);
    expect(await rejected(8, 'REJECTED_PREFIX_MISSING')).toMatchObject({ kind: 'invalid_recipient' });
    expect(await rejected(51, 'MISSING_TO')).toMatchObject({ kind: 'invalid_recipient' });
  });

  it('maps the rejected sender statuses (REJECTED_SOURCE, REJECTED_SENDER) and a too long text to invalid_config', async () => {
    const source = await rejected(11, 'REJECTED_SOURCE');
    expect(source).toMatchObject({ kind: 'invalid_config', providerCode: 'REJECTED_SOURCE' });
    expect(source.message).toContain(sender);
    expect(await rejected(13, 'REJECTED_SENDER')).toMatchObject({ kind: 'invalid_config' });
    expect(await rejected(25, 'REJECTED_MESSAGE_TOO_LONG')).toMatchObject({ kind: 'invalid_config' });
  });

  it('maps the account and route refusals (credits, trial, network, route, DND, blocklist) to provider_rejected', async () => {
    const credits = await rejected(12, 'REJECTED_NOT_ENOUGH_CREDITS');
    expect(credits).toMatchObject({ kind: 'provider_rejected', providerCode: 'REJECTED_NOT_ENOUGH_CREDITS' });
    expect(credits.message).toContain('top it up');
    expect((await rejected(18, 'REJECTED_DESTINATION_NOT_REGISTERED')).message).toContain('trial');
    for (const [id, name] of [
      [6, 'REJECTED_NETWORK'],
      [10, 'REJECTED_DND'],
      [14, 'REJECTED_DESTINATION'],
      [17, 'REJECTED_PREPAID_PACKAGE_EXPIRED'],
      [19, 'REJECTED_ROUTE_NOT_AVAILABLE'],
      [23, 'REJECTED_DUPLICATE_MESSAGE_ID'],
      [24, 'REJECTED_INVALID_UDH'],
    ] as const) {
      expect(await rejected(id, name), name).toMatchObject({ kind: 'provider_rejected', providerCode: name });
    }
  });

  it('maps the flooding filter to rate_limited and a system error to provider_unavailable', async () => {
    expect(await rejected(20, 'REJECTED_FLOODING_FILTER')).toMatchObject({ kind: 'rate_limited' });
    expect(await rejected(21, 'REJECTED_SYSTEM_ERROR')).toMatchObject({ kind: 'provider_unavailable' });
  });

  it('reads a REJECTED status by name when the id is missing, and an unknown one as provider_rejected', async () => {
    const byName = await sendWith(
      answering(200, { messages: [{ status: { groupName: 'REJECTED', name: 'REJECTED_PREFIX_MISSING' } }] }).fetch,
    );
    expect(byName).toMatchObject({ kind: 'invalid_recipient', providerCode: 'REJECTED_PREFIX_MISSING' });
    expect(await rejected(99, 'REJECTED_SOMETHING_NEW')).toMatchObject({
      kind: 'provider_rejected',
      providerCode: 'REJECTED_SOMETHING_NEW',
    });
  });

  it('maps the UNDELIVERABLE and EXPIRED groups to provider_rejected with their docs anchors', async () => {
    const undeliverable = await sendWith(
      answering(200, {
        messages: [
          { status: { groupId: 2, groupName: 'UNDELIVERABLE', id: 4, name: 'UNDELIVERABLE_REJECTED_OPERATOR' } },
        ],
      }).fetch,
    );
    expect(undeliverable).toMatchObject({ kind: 'provider_rejected', providerCode: 'UNDELIVERABLE_REJECTED_OPERATOR' });
    expect(undeliverable.message).toContain('#undeliverable-general-status-codes');
    const expired = await sendWith(
      answering(200, { messages: [{ status: { groupId: 4, groupName: 'EXPIRED', id: 15, name: 'EXPIRED_EXPIRED' } }] })
        .fetch,
    );
    expect(expired).toMatchObject({ kind: 'provider_rejected', providerCode: 'EXPIRED_EXPIRED' });
    expect(expired.message).toContain('#expired-general-status-codes');
  });
});
