import { randomBytes } from 'node:crypto';
import { computeTwilioSignature } from '@passline/connectors/twilio-sms';
import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keyRingFrom } from '../src/crypto/keys.ts';
import { receiptToken, receiptTokenMatches } from '../src/services/connectors/receipt-urls.ts';
import { devSmsConfig, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { addConnector, loggedMessage, numbers, sendCode, startReceiptsPassline } from './receipts-helpers.ts';

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const json = { 'content-type': 'application/json' };

describeEachEngine('the delivery receipt webhook: authentication, unknown ids, what it answers', (database) => {
  let passline: TestPassline & { origin: string };
  let simulator: ProviderSimulator;
  const ids = { twilio: '', aliyun: '', tencent: '', otherAliyun: '', dev: '' };
  const urls = { aliyun: '', tencent: '', otherAliyun: '' };
  const nextTwilio = numbers('twilio', 3000);
  const nextAliyun = numbers('aliyun', 3000);

  beforeAll(async () => {
    simulator = await startProviderSimulator();
    passline = await startReceiptsPassline(database());
    const dev = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'dev-sms', config: devSmsConfig },
    });
    ids.dev = dev.body.id;
    for (const name of ['tencent', 'otherAliyun', 'twilio', 'aliyun'] as const) {
      const connector = await addConnector(passline, simulator, name === 'otherAliyun' ? 'aliyun' : name);
      ids[name] = connector.id;
      if (name !== 'twilio') urls[name] = connector.receiptUrl ?? '';
    }
  });
  afterAll(async () => {
    await passline.close();
    await simulator.close();
  });
  beforeEach(() => simulator.reset());

  /** A message sent through a connector whose provider will report nothing by itself. */
  const silentMessage = async (provider: 'twilio' | 'aliyun') => {
    await passline.request('POST', `/api/connectors/${ids[provider]}/activate`);
    simulator.receiptsNext(provider, 'none');
    const verificationId = await sendCode(passline, provider === 'twilio' ? nextTwilio() : nextAliyun());
    return loggedMessage(passline, verificationId);
  };
  const post = (url: string, body: string, headers: Record<string, string>) =>
    passline.request('POST', url.replace(passline.origin, ''), { key: null, rawBody: body, headers });
  const aliyunReport = (bizId: string, success = true) =>
    JSON.stringify([
      { phone_number: '13800100001', success, err_code: success ? 'DELIVERED' : 'IC:0015', biz_id: bizId },
    ]);

  it('shows the URL to paste for Aliyun and Tencent, with a secret per connector; none for Twilio or dev-sms', async () => {
    const list = (await passline.request('GET', '/api/connectors')).body as Array<{ id: string; receiptUrl: unknown }>;
    const receiptUrl = (id: string) => list.find((connector) => connector.id === id)?.receiptUrl;
    expect(receiptUrl(ids.twilio)).toBeNull();
    expect(receiptUrl(ids.dev)).toBeNull();
    for (const [factoryId, id] of [
      ['aliyun-sms', ids.aliyun],
      ['tencent-sms', ids.tencent],
    ]) {
      const url = new URL(String(receiptUrl(id as string)));
      expect(url.origin + url.pathname).toBe(`${passline.origin}/api/webhooks/${factoryId}/status`);
      expect(url.searchParams.get('connector')).toBe(id);
      expect(url.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(new URL(urls.aliyun).searchParams.get('token')).not.toBe(
      new URL(urls.otherAliyun).searchParams.get('token'),
    );
    expect((await passline.request('GET', `/api/connectors/${ids.aliyun}`)).body.receiptUrl).toBe(urls.aliyun);
  });

  it('Twilio: a forged or unsigned callback is refused with 403 and changes nothing; a signed one is recorded', async () => {
    const message = await silentMessage('twilio');
    const path = `/api/webhooks/twilio-sms/status?connector=${ids.twilio}`;
    const params = { MessageSid: message.providerMessageId ?? '', MessageStatus: 'undelivered', ErrorCode: '30003' };
    const body = new URLSearchParams(params).toString();
    const signed = (token: string, url = `${passline.origin}${path}`) => computeTwilioSignature(token, url, params);

    const forged = [
      { ...form, 'x-twilio-signature': signed('not-the-auth-token') },
      form,
      // Signed for another connector's URL, replayed at this one.
      { ...form, 'x-twilio-signature': signed(simulator.credentials.twilio.authToken, `${passline.origin}${path}x`) },
    ];
    for (const headers of forged) {
      const refused = await post(path, body, headers);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('webhook.forbidden');
    }
    expect((await loggedMessage(passline, message.verificationId as string)).delivery).toBeNull();

    const pending = new URLSearchParams({ ...params, MessageStatus: 'sent', ErrorCode: '' }).toString();
    const pendingParams = Object.fromEntries(new URLSearchParams(pending));
    const sentSignature = computeTwilioSignature(
      simulator.credentials.twilio.authToken,
      `${passline.origin}${path}`,
      pendingParams,
    );
    expect((await post(path, pending, { ...form, 'x-twilio-signature': sentSignature })).status).toBe(204);
    expect((await loggedMessage(passline, message.verificationId as string)).delivery).toBeNull();

    const genuine = await post(path, body, {
      ...form,
      'x-twilio-signature': signed(simulator.credentials.twilio.authToken),
    });
    expect(genuine.status).toBe(204);
    expect((await loggedMessage(passline, message.verificationId as string)).delivery).toMatchObject({
      status: 'undelivered',
      errorCode: '30003',
    });
  });

  it('Aliyun and Tencent: a missing or wrong token, or another connector’s, is refused with 403', async () => {
    const message = await silentMessage('aliyun');
    const report = aliyunReport(message.providerMessageId ?? '');
    const withoutToken = urls.aliyun.replace(/&token=[^&]+/, '');
    const otherToken = new URL(urls.otherAliyun).searchParams.get('token') ?? '';
    for (const url of [
      withoutToken,
      `${withoutToken}&token=wrong`,
      `${withoutToken}&token=${otherToken}`,
      `${withoutToken}&token=${new URL(urls.aliyun).searchParams.get('token')}x`,
    ]) {
      const refused = await post(url, report, json);
      expect(refused.status, url).toBe(403);
      expect(refused.body.error.code).toBe('webhook.forbidden');
    }
    expect((await loggedMessage(passline, message.verificationId as string)).delivery).toBeNull();

    const accepted = await post(urls.aliyun, report, json);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ code: 0, msg: '接收成功' });
    expect((await loggedMessage(passline, message.verificationId as string)).delivery?.status).toBe('delivered');
  });

  it('answers 404 for an unknown connector, one of another type, and a type without receipts', async () => {
    const tencentToken = new URL(urls.tencent).searchParams.get('token');
    const notFound = [
      `/api/webhooks/aliyun-sms/status?connector=con_unknown&token=x`,
      `/api/webhooks/aliyun-sms/status?token=x`,
      `/api/webhooks/aliyun-sms/status?connector=${ids.tencent}&token=${tencentToken}`,
      `/api/webhooks/dev-sms/status?connector=${ids.dev}`,
      `/api/webhooks/no-such-type/status?connector=${ids.aliyun}`,
    ];
    for (const url of notFound) {
      const answer = await post(url, '[]', json);
      expect(answer.status, url).toBe(404);
      expect(answer.body.error.code, url).toBe('webhook.not_found');
    }
  });

  it('acknowledges a report for a message it never sent and changes nothing; known ones in the same push count', async () => {
    const message = await silentMessage('aliyun');
    const before = (await passline.request('GET', '/api/messages?limit=200')).body.items;
    const unknown = await post(urls.aliyun, aliyunReport('999999999999999999^0'), json);
    expect(unknown.status).toBe(200);
    expect((await passline.request('GET', '/api/messages?limit=200')).body.items).toEqual(before);

    // JSON can spell NUL characters, which PostgreSQL cannot store: such an id matches nothing, and
    // they are dropped from an error code.
    const mixed = JSON.stringify([
      ...JSON.parse(aliyunReport('888888888888888888^0')),
      ...JSON.parse(aliyunReport(`${message.providerMessageId}\u0000`)),
      { ...JSON.parse(aliyunReport(message.providerMessageId ?? '', false))[0], err_code: 'IC:\u00000015' },
    ]);
    expect((await post(urls.aliyun, mixed, json)).status).toBe(200);
    expect((await loggedMessage(passline, message.verificationId as string)).delivery).toMatchObject({
      status: 'undelivered',
      errorCode: 'IC:0015',
    });
  });

  it('refuses a malformed body with 403, another media type with 415 and a huge body with 413', async () => {
    for (const body of ['not json', '{"code":0}', '[{"biz_id":1}]']) {
      const refused = await post(urls.aliyun, body, json);
      expect(refused.status, body).toBe(403);
      expect(refused.body.error.code).toBe('webhook.forbidden');
    }
    const xml = await post(urls.aliyun, '<report/>', { 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
    expect(xml.body.error.code).toBe('request.unsupported_media_type');
    const huge = await post(urls.aliyun, `[${'"x",'.repeat(20_000)}"x"]`, json);
    expect(huge.status).toBe(413);
  });

  it('is public: no API key, and none is asked for', async () => {
    const document = (await passline.request('GET', '/api/openapi.json', { key: null })).body;
    const operation = document.paths['/api/webhooks/{factoryId}/status']?.post;
    expect(operation?.security).toEqual([]);
  });
});

describe('receipt URL tokens', () => {
  it('are derived per connector from the key, and keep working under a previous key after a rotation', () => {
    const oldMaster = randomBytes(32);
    const before = keyRingFrom(oldMaster, 'environment');
    const token = receiptToken(before, 'con_1');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(receiptToken(before, 'con_2')).not.toBe(token);
    expect(receiptTokenMatches(before, 'con_1', token)).toBe(true);
    expect(receiptTokenMatches(before, 'con_2', token)).toBe(false);
    expect(receiptTokenMatches(before, 'con_1', undefined)).toBe(false);
    expect(receiptTokenMatches(before, 'con_1', `${token}=`)).toBe(false);

    const rotated = keyRingFrom(randomBytes(32), 'environment', [oldMaster]);
    expect(receiptToken(rotated, 'con_1')).not.toBe(token);
    expect(receiptTokenMatches(rotated, 'con_1', token)).toBe(true);
    expect(receiptTokenMatches(keyRingFrom(randomBytes(32), 'environment'), 'con_1', token)).toBe(false);
  });
});
