import { expect, it } from 'vitest';
import type { ConnectorContext, ConnectorFactory } from './connector.ts';
import { parseConnectorConfig } from './connector.ts';
import { type DeliveryReceipt, isReceiptRejected, type ReceiptRequest, type ReceiptSupport } from './receipts.ts';

export interface ReceiptConformance {
  /**
   * A genuine callback, as the provider would send it to `url`, reporting that the message
   * `messageId` was delivered. `config` is the harness config, parsed.
   */
  callback(input: { config: unknown; messageId: string; url: string }): ReceiptRequest | Promise<ReceiptRequest>;
}

interface Harness {
  config: Record<string, unknown>;
  context: ConnectorContext;
  close(): Promise<void>;
}

const callbackUrl = 'https://passline.example/api/webhooks/conformance/status?connector=con_conformance&token=t0';

/** Bodies that are no provider's callback: each must be refused with `ReceiptRejected`, never crash. */
const garbage: ReadonlyArray<{ name: string; contentType: string; body: string }> = [
  { name: 'an empty body', contentType: 'application/json', body: '' },
  { name: 'text that is not JSON', contentType: 'application/json', body: 'not a callback' },
  { name: 'truncated JSON', contentType: 'application/json', body: '[{"id":' },
  { name: 'JSON null', contentType: 'application/json', body: 'null' },
  { name: 'a JSON number', contentType: 'application/json', body: '42' },
  { name: 'an unrelated JSON object', contentType: 'application/json', body: '{"unexpected":true}' },
  { name: 'a JSON array of numbers', contentType: 'application/json', body: '[1,2,3]' },
  { name: 'an array of unrelated objects', contentType: 'application/json', body: '[{"unexpected":true}]' },
  { name: 'an unrelated form', contentType: 'application/x-www-form-urlencoded', body: 'a=1&b=2&c' },
  { name: 'binary noise', contentType: 'application/octet-stream', body: '\u0000\uffff\ud800%%%=&&' },
];

const statuses: ReadonlyArray<DeliveryReceipt['status']> = ['delivered', 'undelivered', 'pending'];

/** The receipt checks of the conformance suite, for a factory that declares `receipts`. */
export function describeReceiptConformance(
  options: { factory: ConnectorFactory; harness(): Promise<Harness>; to: string; receipts?: ReceiptConformance },
  receipts: ReceiptSupport,
): void {
  const { factory, to } = options;

  it('declares how its receipts are authenticated, where the URL comes from and what to answer', () => {
    expect(['signature', 'url-secret']).toContain(receipts.authentication);
    expect(['per-message', 'provider-console']).toContain(receipts.callbackUrl);
    if (receipts.acknowledgement) {
      const { status, contentType, body } = receipts.acknowledgement;
      expect(status >= 200 && status < 300, 'the acknowledgement is a 2xx').toBe(true);
      expect(typeof contentType).toBe('string');
      expect(typeof body).toBe('string');
    }
  });

  it('refuses what is not a callback of its provider with ReceiptRejected, not a crash', async () => {
    const harness = await options.harness();
    try {
      const config = parseConnectorConfig(factory, harness.config);
      for (const sample of garbage) {
        const request: ReceiptRequest = {
          method: 'POST',
          url: callbackUrl,
          headers: { 'content-type': sample.contentType },
          body: sample.body,
        };
        const error = thrown(() => receipts.parse(request, config));
        expect(isReceiptRejected(error), `${sample.name}: ${String(error)}`).toBe(true);
      }
    } finally {
      await harness.close();
    }
  });

  const builder = options.receipts;
  if (!builder) return;

  it('parses a genuine callback for a sent message: its message id and a known status', async () => {
    const harness = await options.harness();
    try {
      const config = parseConnectorConfig(factory, harness.config);
      const sent = await factory.sendMessage(
        { to, usage: 'Generic', payload: { code: '246810' } },
        config,
        harness.context,
      );
      expect(typeof sent.messageId, 'a connector with receipts returns the provider message id').toBe('string');
      const request = await builder.callback({ config, messageId: sent.messageId as string, url: callbackUrl });
      const parsed = receipts.parse(request, config);
      expect(parsed.length).toBeGreaterThan(0);
      for (const receipt of parsed) {
        expect(typeof receipt.messageId === 'string' && receipt.messageId !== '').toBe(true);
        expect(statuses).toContain(receipt.status);
        expect(receipt.errorCode === undefined || typeof receipt.errorCode === 'string').toBe(true);
        expect(receipt.at === undefined || Number.isFinite(receipt.at)).toBe(true);
      }
      expect(parsed.map((receipt) => receipt.messageId)).toContain(sent.messageId);
      expect(parsed.find((receipt) => receipt.messageId === sent.messageId)?.status).toBe('delivered');

      if (receipts.authentication === 'signature') {
        // What the signature covers: the URL (so another connector's URL) and the headers it came in.
        const elsewhere = { ...request, url: `${request.url}&connector=con_other` };
        expect(isReceiptRejected(thrown(() => receipts.parse(elsewhere, config))), 'another URL').toBe(true);
        const unsigned = { ...request, headers: { 'content-type': request.headers['content-type'] } };
        expect(isReceiptRejected(thrown(() => receipts.parse(unsigned, config))), 'without its headers').toBe(true);
      }
    } finally {
      await harness.close();
    }
  });
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
