import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { manualClock, phoneSequence, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { type CodeReader, type ExperienceClient, startExperienceApp } from './experience-helpers.ts';

type Response = Awaited<ReturnType<TestPassline['request']>>;

/** Everything a caller can observe, minus the values that differ on every request anyway. */
function observable(response: Response) {
  const { date: _date, 'x-request-id': requestId, ...headers } = response.headers;
  const shape = (value: unknown): unknown =>
    value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]))
      : typeof value;
  return {
    status: response.status,
    headers,
    headerNames: Object.keys(response.headers).sort(),
    requestId: typeof requestId,
    body: shape(response.body),
  };
}

describeEachEngine('experience API: anti-enumeration', (database) => {
  let passline: TestPassline;
  let reader: CodeReader;
  let client: ExperienceClient;
  const clock = manualClock();
  const freshPhone = phoneSequence('203');

  beforeAll(async () => {
    ({ passline, reader, client } = await startExperienceApp(database(), { clock }));
  });
  afterAll(() => passline.close());
  beforeEach(() => clock.advance(2 * 86_400_000));

  async function messagesTo(phone: string): Promise<number> {
    const log = await passline.request('GET', '/api/messages?limit=200');
    const masked = `${phone.slice(0, 5)}*****${phone.slice(-2)}`;
    return log.body.items.filter((item: { to: string }) => item.to === masked).length;
  }

  for (const event of ['SignIn', 'ForgotPassword'] as const) {
    it(`answers a ${event} send for an unregistered number exactly like a registered one, and sends nothing`, async () => {
      // Sign-up on sign-in would make an unknown number's SignIn code useful; turn it off so it is suppressed.
      const registered = freshPhone();
      const unregistered = freshPhone();
      await client.register(registered, 'a fine password');
      clock.advance(61_000);
      await passline.request('PATCH', '/api/settings/sign-in-experience', { body: { signUp: false } });
      try {
        const known = await client.send(registered, event);
        const unknown = await client.send(unregistered, event);
        expect(known.status).toBe(200);
        expect(observable(unknown)).toEqual(observable(known));
        expect(unknown.headers['content-length']).toBe(known.headers['content-length']);

        // The registered number gets its code; the unregistered one gets nothing, not even a log entry.
        await reader.next(registered);
        expect(await reader.outbox(unregistered)).toEqual([]);
        expect(await messagesTo(unregistered)).toBe(0);
        expect(await messagesTo(registered)).toBe(2);

        // Wrong codes answer alike too.
        const wrongKnown = await client.verify(known.body.verificationId, '000000');
        const wrongUnknown = await client.verify(unknown.body.verificationId, '000000');
        if (wrongKnown.status === 400) {
          expect(observable(wrongUnknown)).toEqual(observable(wrongKnown));
          expect(wrongUnknown.body.error).toEqual(wrongKnown.body.error);
        }

        // And so does the resend cooldown.
        const againKnown = await client.send(registered, event);
        const againUnknown = await client.send(unregistered, event);
        expect(againKnown.status).toBe(429);
        expect(observable(againUnknown)).toEqual(observable(againKnown));
        expect(againUnknown.body).toEqual(againKnown.body);
        expect(againUnknown.headers['retry-after']).toBe(againKnown.headers['retry-after']);
      } finally {
        await passline.request('PATCH', '/api/settings/sign-in-experience', { body: { signUp: true } });
      }
    });
  }

  it('hits the per-number hourly cap identically for registered and unregistered numbers', async () => {
    const registered = freshPhone();
    const unregistered = freshPhone();
    await client.register(registered);
    await passline.request('PATCH', '/api/settings/sign-in-experience', { body: { signUp: false } });
    try {
      const results: Record<string, Response[]> = { registered: [], unregistered: [] };
      // The Register send above used one of the registered number's 5 hourly sends; a (suppressed)
      // SignIn send uses one of the other's.
      expect((await client.send(unregistered, 'SignIn')).status).toBe(200);
      for (let index = 0; index < 5; index++) {
        clock.advance(61_000);
        results.registered?.push(await client.send(registered, 'SignIn'));
        results.unregistered?.push(await client.send(unregistered, 'SignIn'));
      }
      const statuses = (list: Response[] | undefined) => list?.map((response) => response.status);
      expect(statuses(results.registered)).toEqual([200, 200, 200, 200, 429]);
      expect(statuses(results.unregistered)).toEqual(statuses(results.registered));
      const [lastKnown, lastUnknown] = [results.registered?.at(-1), results.unregistered?.at(-1)];
      expect(lastUnknown?.body).toEqual(lastKnown?.body);
      expect(lastUnknown?.body.error.code).toBe('rate_limit.phone');
    } finally {
      await passline.request('PATCH', '/api/settings/sign-in-experience', { body: { signUp: true } });
    }
  });

  it('delivers a SignIn code to an unknown number when sign-up on sign-in is allowed', async () => {
    const phone = freshPhone();
    const sent = await client.send(phone, 'SignIn');
    expect(sent.status).toBe(200);
    expect(await reader.next(phone)).toMatch(/^\d{6}$/);
  });
});
