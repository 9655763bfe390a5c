import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aliyunPercentEncode, rpcV1Signature } from './aliyun.ts';
import { chinaTime } from './receipt-reports.ts';
import type { ProviderSimulator } from './server.ts';
import { tc3Signature } from './tencent.ts';
import { useProviderSimulator } from './testing.ts';

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

/** A receiver for the simulator's receipts, answering like Passline would (a 2xx). */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('receipts the simulator sends', () => {
  const simulator = useProviderSimulator();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.received.length = 0;
    simulator.setReportUrl('aliyun', `${receiver.url}/aliyun-reports?token=a`);
    simulator.setReportUrl('tencent', `${receiver.url}/tencent-reports?token=t`);
  });

  it('Twilio: sent, then delivered, form-encoded to StatusCallback and signed with the Auth Token', async () => {
    const callback = `${receiver.url}/status?connector=con_1`;
    const sid = await sendTwilio(simulator, callback);
    await simulator.receiptsSettled();
    expect(receiver.received.map((request) => new URLSearchParams(request.body).get('MessageStatus'))).toEqual([
      'sent',
      'delivered',
    ]);
    for (const request of receiver.received) {
      expect(request.path).toBe('/status?connector=con_1');
      expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      const params = Object.fromEntries(new URLSearchParams(request.body));
      expect(params).toMatchObject({ MessageSid: sid, AccountSid: simulator.credentials.twilio.accountSid });
      // Twilio's documented scheme, computed here from scratch.
      const text =
        callback +
        Object.keys(params)
          .sort()
          .map((name) => `${name}${params[name]}`)
          .join('');
      const expected = createHmac('sha1', simulator.credentials.twilio.authToken).update(text).digest('base64');
      expect(request.headers['x-twilio-signature']).toBe(expected);
    }
    expect(simulator.receipts({ provider: 'twilio', messageId: sid }).map((receipt) => receipt.responseStatus)).toEqual(
      [200, 200],
    );
  });

  it('Twilio: no StatusCallback, no receipt; an invalid one is refused with 21609', async () => {
    await sendTwilio(simulator);
    await simulator.receiptsSettled();
    expect(receiver.received).toEqual([]);
    const refused = await postTwilio(simulator, { StatusCallback: 'not a url' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: number }).code).toBe(21609);
  });

  it('Aliyun: one JSON report per message to the report URL, with biz_id and China Standard Time', async () => {
    const bizId = await sendAliyun(simulator);
    await simulator.receiptsSettled();
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.path).toBe('/aliyun-reports?token=a');
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    const reports = JSON.parse(request?.body ?? '') as Array<Record<string, unknown>>;
    expect(reports).toEqual([
      expect.objectContaining({ phone_number: '13800138000', success: true, err_code: 'DELIVERED', biz_id: bizId }),
    ]);
    expect(reports[0]?.report_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(chinaTime(new Date(Date.UTC(2017, 0, 1, 0, 0, 0)))).toBe('2017-01-01 08:00:00');
  });

  it('Tencent: a JSON report with sid = SerialNo and the number split into nationcode and mobile', async () => {
    simulator.receiptsNext('tencent', 'undelivered', { errorCode: 'MK:0001' });
    const serialNo = await sendTencent(simulator);
    await simulator.receiptsSettled();
    const reports = JSON.parse(receiver.received[0]?.body ?? '') as Array<Record<string, unknown>>;
    expect(reports).toEqual([
      expect.objectContaining({
        nationcode: '86',
        mobile: '13800138000',
        report_status: 'FAIL',
        errmsg: 'MK:0001',
        sid: serialNo,
      }),
    ]);
  });

  it('acts out undelivered, late, duplicated, reordered and none for the next messages, then delivered again', async () => {
    const callback = `${receiver.url}/status`;
    simulator.receiptsNext('twilio', 'undelivered', { errorCode: '30005' });
    simulator.receiptsNext('twilio', 'duplicated');
    simulator.receiptsNext('twilio', 'reordered');
    simulator.receiptsNext('twilio', 'none', { times: 2 });
    const sids = [];
    for (let index = 0; index < 6; index++) sids.push(await sendTwilio(simulator, callback));
    await simulator.receiptsSettled();
    const statuses = (sid: string | undefined) =>
      receiver.received
        .map((request) => new URLSearchParams(request.body))
        .filter((params) => params.get('MessageSid') === sid)
        .map(
          (params) => `${params.get('MessageStatus')}${params.get('ErrorCode') ? `:${params.get('ErrorCode')}` : ''}`,
        );
    expect(statuses(sids[0])).toEqual(['sent', 'undelivered:30005']);
    expect(statuses(sids[1])).toEqual(['sent', 'delivered', 'delivered']);
    expect(statuses(sids[2])).toEqual(['sent', 'delivered', 'sent']);
    expect(statuses(sids[3])).toEqual([]);
    expect(statuses(sids[4])).toEqual([]);
    expect(statuses(sids[5])).toEqual(['sent', 'delivered']);

    simulator.receiptsNext('twilio', 'late', { delayMs: 400 });
    const sent = Date.now();
    const late = await sendTwilio(simulator, callback);
    await simulator.receiptsSettled();
    const first = receiver.received.find((request) => new URLSearchParams(request.body).get('MessageSid') === late);
    expect((first?.at ?? 0) - sent).toBeGreaterThanOrEqual(400);
  });

  it('Aliyun and Tencent reorder as a backdated report of the opposite outcome after the final one', async () => {
    simulator.receiptsNext('aliyun', 'reordered');
    const bizId = await sendAliyun(simulator);
    await simulator.receiptsSettled();
    const reports = receiver.received.map((request) => (JSON.parse(request.body) as Array<Record<string, unknown>>)[0]);
    expect(reports.map((report) => [report?.biz_id, report?.success])).toEqual([
      [bizId, true],
      [bizId, false],
    ]);
    expect(String(reports[1]?.report_time) < String(reports[0]?.report_time)).toBe(true);
  });

  it('is driven over HTTP too: /__simulator/receipts, /__simulator/report-url and the receipts log', async () => {
    const control = (path: string, body: unknown) =>
      fetch(`${simulator.url}/__simulator/${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect((await control('report-url', { provider: 'aliyun', url: `${receiver.url}/other` })).status).toBe(204);
    expect((await control('receipts', { provider: 'aliyun', mode: 'undelivered', errorCode: 'X:1' })).status).toBe(204);
    await sendAliyun(simulator);
    await simulator.receiptsSettled();
    expect(receiver.received.map((request) => request.path)).toEqual(['/other']);
    const log = (await (await fetch(`${simulator.url}/__simulator/receipts?provider=aliyun`)).json()) as Array<{
      reported: string;
      responseStatus: number;
    }>;
    expect(log).toEqual([expect.objectContaining({ reported: 'undelivered', responseStatus: 200 })]);
  });

  it('reset forgets planned receipts: nothing arrives for a message sent before it', async () => {
    await sendTwilio(simulator, `${receiver.url}/status`);
    simulator.reset();
    await simulator.receiptsSettled();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(receiver.received).toEqual([]);
  });
});

function postTwilio(simulator: ProviderSimulator, extra: Record<string, string> = {}) {
  const { accountSid, authToken } = simulator.credentials.twilio;
  return fetch(`${simulator.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ To: '+14155550123', Body: 'Code 123456', From: '+15017122661', ...extra }).toString(),
  });
}

async function sendTwilio(simulator: ProviderSimulator, statusCallback?: string): Promise<string> {
  const response = await postTwilio(simulator, statusCallback ? { StatusCallback: statusCallback } : {});
  expect(response.status).toBe(201);
  return ((await response.json()) as { sid: string }).sid;
}

async function sendAliyun(simulator: ProviderSimulator): Promise<string> {
  const { accessKeyId, accessKeySecret } = simulator.credentials.aliyun;
  const params: Array<[string, string]> = Object.entries({
    AccessKeyId: accessKeyId,
    Action: 'SendSms',
    Format: 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: randomUUID(),
    SignatureVersion: '1.0',
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Version: '2017-05-25',
    PhoneNumbers: '13800138000',
    SignName: 'Passline',
    TemplateCode: 'SMS_154950909',
    TemplateParam: '{"code":"123456"}',
  });
  const { signature } = rpcV1Signature('POST', params, accessKeySecret);
  const body = [['Signature', signature], ...params]
    .map(([name, value]) => `${aliyunPercentEncode(name ?? '')}=${aliyunPercentEncode(value ?? '')}`)
    .join('&');
  const response = await fetch(`${simulator.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const answer = (await response.json()) as { Code: string; BizId: string };
  expect(answer.Code).toBe('OK');
  return answer.BizId;
}

async function sendTencent(simulator: ProviderSimulator): Promise<string> {
  const { secretId, secretKey, sdkAppId } = simulator.credentials.tencent;
  const host = new URL(simulator.url).host;
  const body = JSON.stringify({
    PhoneNumberSet: ['+8613800138000'],
    SmsSdkAppId: sdkAppId,
    SignName: 'Passline',
    TemplateId: '2001',
    TemplateParamSet: ['123456'],
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const contentType = 'application/json; charset=utf-8';
  const signed = tc3Signature({
    secretKey,
    timestamp,
    method: 'POST',
    path: '/',
    query: '',
    headers: [
      ['content-type', contentType],
      ['host', host],
    ],
    body,
  });
  const response = await fetch(`${simulator.url}/`, {
    method: 'POST',
    headers: {
      Authorization: `TC3-HMAC-SHA256 Credential=${secretId}/${signed.credentialScope}, SignedHeaders=content-type;host, Signature=${signed.signature}`,
      'Content-Type': contentType,
      'X-TC-Action': 'SendSms',
      'X-TC-Version': '2021-01-11',
      'X-TC-Timestamp': String(timestamp),
      'X-TC-Region': 'ap-guangzhou',
    },
    body,
  });
  const answer = (await response.json()) as { Response: { SendStatusSet?: Array<{ SerialNo: string }> } };
  const serialNo = answer.Response.SendStatusSet?.[0]?.SerialNo;
  expect(serialNo, JSON.stringify(answer)).toBeTruthy();
  return serialNo as string;
}
