import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';

// SMS pumping, simulated against the default protection settings: bots on many source IPs ask for
// codes to numbers of high-cost ranges and never enter them, while real users elsewhere ask for
// codes and enter them. What counts is how many SMS reach the provider (the dev outbox) and whether
// any real user is refused. The figures are printed for the benchmark notes.

/** A small deterministic generator, so a run is repeatable. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

// Real users are spread like real numbers are: over area codes and number blocks (ranges).
const areaCodes = [201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225, 228];
const realNumber = (index: number) =>
  `+1${areaCodes[index % areaCodes.length]}555${Math.floor(index / areaCodes.length) % 10}${String(index).padStart(3, '0').slice(-3)}`;

describeEachEngine('SMS pumping against the defaults', (database) => {
  let passline: TestPassline;
  const next = random(7);
  const digits = (count: number) => Array.from({ length: count }, () => Math.floor(next() * 10)).join('');

  beforeAll(async () => {
    passline = await startTestPassline(database());
    await useDevSms(passline);
  });
  afterAll(() => passline.close());

  const send = (to: string, ip: string) =>
    passline.request('POST', '/api/verifications', { body: { to, usage: 'SignIn', ip }, key: passline.verifyKey });
  const delivered = async (prefix: string) =>
    Number(
      (
        await passline.storage.db
          .selectFrom('dev_outbox')
          .select((eb) => eb.fn.countAll().as('count'))
          .where('phone', 'like', `${prefix}%`)
          .executeTakeFirstOrThrow()
      ).count,
    );

  /** A real user: asks for a code once and enters it. */
  async function realUser(to: string, ip: string): Promise<number> {
    const sent = await send(to, ip);
    expect([201, 403, 429]).toContain(sent.status);
    if (sent.status !== 201) return sent.status;
    const [message] = (await passline.request('GET', `/api/dev/outbox?to=${encodeURIComponent(to)}`)).body as Array<{
      text: string;
    }>;
    const code = message?.text.match(/\d{6}/)?.[0];
    const checked = await passline.request('POST', `/api/verifications/${sent.body.id}/check`, {
      body: { code },
      key: passline.verifyKey,
    });
    return checked.status === 200 ? 201 : checked.status;
  }

  it('bounds pumped SMS by the budgets and the guard, and refuses no real user', async () => {
    const bots = Array.from({ length: 40 }, (_, index) => `203.0.113.${index + 1}`);
    const realIps = (index: number) => `198.51.100.${(index % 200) + 1}`;
    const outcome = { requested: 0, realRefused: 0, realServed: 0 };
    const attacks = [
      // A UK personal-number range (the costly kind): the number type alone refuses every one.
      { name: 'GB personal +447012', prefix: '+447012', rest: 6, requests: 200 },
      // Random numbers across a GB mobile block, from rotating IPs: the country guard trips.
      { name: 'GB mobile +447400', prefix: '+447400', rest: 6, requests: 500 },
      // The same spread over two more countries.
      { name: 'DE mobile +4915', prefix: '+49151', rest: 8, requests: 300 },
      { name: 'FR mobile +336', prefix: '+3361', rest: 7, requests: 300 },
    ];
    const report: string[] = [];
    let realIndex = 0;
    for (const attack of attacks) {
      for (let index = 0; index < attack.requests; index += 1) {
        outcome.requested += 1;
        const answer = await send(`${attack.prefix}${digits(attack.rest)}`, bots[index % bots.length] as string);
        // Refused or sent, never anything else (a 5xx, an invalid number from the generator).
        expect([201, 403, 429]).toContain(answer.status);
        // The guard's tallies are written once a second: here every ten requests, a bot fleet's second.
        if (index % 10 === 9) await passline.protection.flushTallies();
        // One real user (a US number, entering the code) for every ten bot requests.
        if (index % 10 === 0) {
          realIndex += 1;
          const status = await realUser(realNumber(realIndex), realIps(realIndex));
          if (status === 201) outcome.realServed += 1;
          else outcome.realRefused += 1;
        }
      }
      report.push(
        `${attack.name}: ${await delivered(attack.prefix)} of ${attack.requests} requests reached the provider`,
      );
    }
    console.info(
      `[${database().engine}] ${report.join('; ')}; real users: ${outcome.realServed} served, ${outcome.realRefused} refused`,
    );

    expect(await delivered('+447012')).toBe(0);
    // The country guard lets its floor of unentered codes through per country (default 200), plus
    // what arrives before it judges again: it reads its tallies once a second (here every ten
    // requests), and re-reads a busy country each time its count grows 5 %.
    for (const prefix of ['+447400', '+49151', '+3361']) expect(await delivered(prefix)).toBeLessThanOrEqual(220);
    expect(outcome.realRefused).toBe(0);
    expect(outcome.realServed).toBeGreaterThan(100);

    const blocks = (await passline.request('GET', '/api/protection/blocks')).body as Array<{ key: string }>;
    expect(blocks.map((block) => block.key).sort()).toEqual(['country:DE', 'country:FR', 'country:GB']);
  }, 120_000);
});
