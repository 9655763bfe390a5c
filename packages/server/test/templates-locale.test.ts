import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { manualClock, phoneSequence, startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { type CodeReader, codeReader, type ExperienceClient, experienceClient } from './experience-helpers.ts';

// Every text ends with the code, as the code reader expects.
const templates = [
  { usageType: 'Register', content: 'Register code {{code}}' },
  { usageType: 'SignIn', content: 'SignIn code {{code}}' },
  { usageType: 'ForgotPassword', content: 'Reset code {{code}}' },
  { usageType: 'Generic', content: 'Generic code {{code}}' },
  { usageType: 'Register', locale: 'PT', content: 'Código de registo {{code}}' },
  { usageType: 'SignIn', locale: 'pt', content: 'Código de acesso {{code}}' },
];

describeEachEngine('templates per language', (database) => {
  let passline: TestPassline;
  let reader: CodeReader;
  let client: ExperienceClient;
  let connectorId: string;
  const clock = manualClock();
  const freshPhone = phoneSequence('207');

  beforeAll(async () => {
    passline = await startTestPassline(database(), { clock });
    const created = await passline.request('POST', '/api/connectors', {
      body: { factoryId: 'dev-sms', config: { templates } },
    });
    expect(created.status).toBe(201);
    connectorId = created.body.id;
    reader = codeReader(passline);
    client = experienceClient(passline, reader);
  });
  afterAll(() => passline.close());
  beforeEach(() => clock.advance(2 * 86_400_000));

  /** The text of the newest message to a number, once it has arrived. */
  async function delivered(phone: string): Promise<string | undefined> {
    await reader.next(phone);
    return (await reader.outbox(phone))[0]?.text;
  }

  it('stores the tags canonical', async () => {
    const saved = await passline.request('GET', `/api/connectors/${connectorId}`);
    expect(saved.body.config.templates.map((template: { locale?: string }) => template.locale)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      'pt',
      'pt',
    ]);
  });

  it('Verification API: the locale picks the template, its base language stands in, others get the default', async () => {
    const send = async (locale: string | undefined) => {
      const to = freshPhone();
      const sent = await passline.request('POST', '/api/verifications', {
        body: { to, usage: 'SignIn', locale },
        key: passline.verifyKey,
      });
      expect(sent.status).toBe(201);
      return delivered(to);
    };
    expect(await send('pt-BR')).toMatch(/^Código de acesso \d{6}$/);
    expect(await send('fr')).toMatch(/^SignIn code \d{6}$/);
    expect(await send(undefined)).toMatch(/^SignIn code \d{6}$/);
    // Not a language tag: as if none were given, rather than a refused send.
    expect(await send('pt_BR')).toMatch(/^SignIn code \d{6}$/);
  });

  it("Experience API: without a locale in the body, the browser's Accept-Language picks the template", async () => {
    const send = async (body: Record<string, unknown>, acceptLanguage?: string) => {
      const phone = freshPhone();
      const headers = acceptLanguage === undefined ? undefined : { 'accept-language': acceptLanguage };
      const sent = await client.post('/api/experience/verification-code', { phone, ...body }, headers);
      expect(sent.status).toBe(200);
      return delivered(phone);
    };
    expect(await send({ event: 'Register' }, 'pt-BR,pt;q=0.9')).toMatch(/^Código de registo \d{6}$/);
    expect(await send({ event: 'Register' }, 'fr;q=0.5, pt-PT;q=0.8, *')).toMatch(/^Código de registo \d{6}$/);
    expect(await send({ event: 'Register' }, 'en-US,en;q=0.9,pt;q=0.8')).toMatch(/^Register code \d{6}$/);
    expect(await send({ event: 'Register' })).toMatch(/^Register code \d{6}$/);
    // The body's locale wins over the header.
    expect(await send({ event: 'Register', locale: 'en' }, 'pt-BR')).toMatch(/^Register code \d{6}$/);
    expect(await send({ event: 'Register', locale: 'pt' }, 'en')).toMatch(/^Código de registo \d{6}$/);
  });

  it('Account API: a re-authentication code follows Accept-Language too', async () => {
    const phone = freshPhone();
    const { accessToken } = await client.register(phone);
    clock.advance(120_000); // past the resend cooldown of the Register code
    const sent = await passline.request('POST', '/api/account/reauthentication/verification-code', {
      body: {},
      key: accessToken,
      headers: { 'accept-language': 'pt-BR' },
    });
    expect(sent.status).toBe(200);
    expect(await delivered(phone)).toMatch(/^Código de acesso \d{6}$/);
  });

  it('refuses a template whose locale is not a language tag, or a second one for the same usage and language', async () => {
    const save = (extra: Record<string, unknown>) =>
      passline.request('PATCH', `/api/connectors/${connectorId}`, {
        body: { config: { templates: [...templates, extra] } },
      });
    const bad = await save({ usageType: 'SignIn', locale: 'pt_BR', content: 'x {{code}}' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues).toEqual([
      {
        path: 'templates.6.locale',
        message: '"pt_BR" is not a BCP 47 language tag; write one such as "en", "pt-BR" or "zh-CN"',
      },
    ]);
    const twice = await save({ usageType: 'SignIn', locale: 'PT', content: 'y {{code}}' });
    expect(twice.status).toBe(400);
    expect(twice.body.error.details.issues).toEqual([
      { path: 'templates.6.locale', message: 'usage "SignIn" has more than one template for locale "pt"' },
    ]);
  });
});
