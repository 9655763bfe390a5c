import { type ProviderName, type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

const usages = ['Register', 'SignIn', 'ForgotPassword', 'Generic'] as const;

const textTemplates = usages.map((usageType) => ({ usageType, content: `${usageType}: your code is {{code}}` }));

/**
 * One config per built-in provider, pointed at the simulator with the credentials it accepts;
 * `secretField` is the credential a wrong value of which the provider refuses.
 */
function providerConfigs(simulator: ProviderSimulator) {
  const { twilio, aliyun, tencent, vonage, plivo, sinch, infobip, sns, http } = simulator.credentials;
  return [
    {
      factoryId: 'twilio-sms',
      provider: 'twilio' as const,
      to: '+12015550180',
      config: {
        accountSID: twilio.accountSid,
        authToken: twilio.authToken,
        from: '+15005550006',
        endpoint: simulator.url,
        templates: usages.map((usageType) => ({ usageType, content: `${usageType}: your code is {{code}}` })),
      },
    },
    {
      factoryId: 'aliyun-sms',
      provider: 'aliyun' as const,
      to: '+8613800138000',
      config: {
        accessKeyId: aliyun.accessKeyId,
        accessKeySecret: aliyun.accessKeySecret,
        signName: 'Passline',
        endpoint: simulator.url,
        templates: usages.map((usageType, index) => ({ usageType, templateCode: `SMS_10000000${index}` })),
      },
    },
    {
      factoryId: 'tencent-sms',
      provider: 'tencent' as const,
      to: '+8613800138001',
      config: {
        accessKeyId: tencent.secretId,
        accessKeySecret: tencent.secretKey,
        sdkAppId: tencent.sdkAppId,
        signName: 'Passline',
        endpoint: simulator.url,
        templates: usages.map((usageType, index) => ({ usageType, templateCode: `20000${index}` })),
      },
    },
    {
      factoryId: 'vonage-sms',
      provider: 'vonage' as const,
      secretField: 'apiSecret',
      to: '+12025550181',
      config: { apiKey: vonage.apiKey, apiSecret: vonage.apiSecret, brandName: 'Passline', endpoint: simulator.url },
    },
    {
      factoryId: 'plivo-sms',
      provider: 'plivo' as const,
      secretField: 'authToken',
      to: '+13125550182',
      config: {
        authId: plivo.authId,
        authToken: plivo.authToken,
        senderNumber: '+12025550134',
        endpoint: simulator.url,
      },
    },
    {
      factoryId: 'sinch-sms',
      provider: 'sinch' as const,
      secretField: 'apiToken',
      to: '+14155550183',
      config: {
        servicePlanId: sinch.servicePlanId,
        apiToken: sinch.apiToken,
        from: '+12025550134',
        endpoint: simulator.url,
      },
    },
    {
      factoryId: 'infobip-sms',
      provider: 'infobip' as const,
      secretField: 'apiKey',
      to: '+16175550184',
      config: { apiKey: infobip.apiKey, baseUrl: simulator.url, sender: 'Passline' },
    },
    {
      factoryId: 'aws-sns-sms',
      provider: 'sns' as const,
      secretField: 'secretAccessKey',
      to: '+17185550185',
      config: {
        accessKeyId: sns.accessKeyId,
        secretAccessKey: sns.secretAccessKey,
        region: sns.region,
        endpoint: simulator.url,
      },
    },
    {
      factoryId: 'http-sms',
      provider: 'http' as const,
      secretField: 'authorization',
      to: '+19175550186',
      config: {
        endpoint: `${simulator.url}/http-sms/messages`,
        authorization: http.authorization,
        signingSecret: http.signingSecret,
      },
    },
  ].map((provider) => {
    // Connectors whose text lives in Passline all get the same templates, so one check reads them.
    const textInPassline = !['aliyun-sms', 'tencent-sms', 'twilio-sms'].includes(provider.factoryId);
    return {
      secretField: provider.provider === 'twilio' ? 'authToken' : 'accessKeySecret',
      ...provider,
      textInPassline,
      config: textInPassline ? { ...provider.config, templates: textTemplates } : provider.config,
    };
  });
}

describeEachEngine(
  'all nine built-in provider connectors end to end through the service, against the provider simulator',
  (database) => {
    let passline: TestPassline;
    let simulator: ProviderSimulator;

    beforeAll(async () => {
      simulator = await startProviderSimulator();
      passline = await startTestPassline(database());
      await passline.request('PATCH', '/api/settings/verification', {
        body: { resendCooldownSeconds: 0, phoneHourlyLimit: 100, phoneDailyLimit: 100 },
      });
    });
    afterAll(async () => {
      await passline.close();
      await simulator.close();
    });
    beforeEach(() => simulator.reset());

    const lastCode = (provider: ProviderName, to: string) => {
      const message = simulator.messages({ provider, to }).at(-1);
      return { message, code: message?.text.match(/\b(\d{6})\b(?!.*\b\d{6}\b)/)?.[1] };
    };

    it('activates each provider in turn; a code sent through it arrives with the right template and checks out', async () => {
      for (const provider of providerConfigs(simulator)) {
        const created = await passline.request('POST', '/api/connectors', {
          body: { factoryId: provider.factoryId, config: provider.config },
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const active = (await passline.request('GET', '/api/connectors')).body.filter(
          (c: { active: boolean }) => c.active,
        );
        expect(active.map((c: { factoryId: string }) => c.factoryId)).toEqual([provider.factoryId]);

        for (const [index, usage] of usages.entries()) {
          const sent = await passline.request('POST', '/api/verifications', {
            body: { to: provider.to, usage },
            key: passline.verifyKey,
          });
          expect(sent.status, `${provider.factoryId} ${usage}: ${JSON.stringify(sent.body)}`).toBe(201);
          const { message, code } = lastCode(provider.provider, provider.to);
          expect(code, `${provider.factoryId} delivered a code for ${usage}`).toMatch(/^\d{6}$/);
          if (provider.provider === 'twilio' || provider.textInPassline) {
            expect(message?.text).toBe(`${usage}: your code is ${code}`);
          }
          if (provider.provider === 'aliyun') expect(message?.templateCode).toBe(`SMS_10000000${index}`);
          if (provider.provider === 'tencent') expect(message?.templateCode).toBe(`20000${index}`);
          const checked = await passline.request('POST', `/api/verifications/${sent.body.id}/check`, {
            body: { code },
            key: passline.verifyKey,
          });
          expect(checked.body).toEqual({ id: sent.body.id, status: 'approved' });
        }
      }
    });

    it('maps each provider refusal to a stable code for applications and keeps the provider detail for admins', async () => {
      const expectations = [
        ['rate_limited', 429, 'delivery.rate_limited'],
        ['invalid_number', 400, 'delivery.invalid_recipient'],
        ['server_error', 502, 'delivery.provider_unavailable'],
      ] as const;
      for (const provider of providerConfigs(simulator)) {
        await passline.request('POST', '/api/connectors', {
          body: { factoryId: provider.factoryId, config: provider.config },
        });
        for (const [mode, status, code] of expectations) {
          simulator.failNext(provider.provider, mode);
          const sent = await passline.request('POST', '/api/verifications', {
            body: { to: provider.to, usage: 'SignIn' },
            key: passline.verifyKey,
          });
          expect(sent.status, `${provider.factoryId} ${mode}`).toBe(status);
          expect(sent.body.error.code).toBe(code);
          // Applications get no provider account details; the message log has them.
          expect(sent.body.error.details).toEqual({ messageLogId: expect.any(String) });
          const log = await passline.request('GET', '/api/messages?status=failed&limit=1');
          expect(log.body.items[0]).toMatchObject({
            id: sent.body.error.details.messageLogId,
            factoryId: provider.factoryId,
          });
          expect(log.body.items[0].error.providerCode).toBeTruthy();
        }
      }
    });

    it("reports a wrong secret in a test send as a configuration problem, in the provider's own words", async () => {
      for (const provider of providerConfigs(simulator)) {
        const result = await passline.request('POST', `/api/connector-factories/${provider.factoryId}/test`, {
          body: { to: provider.to, config: { ...provider.config, [provider.secretField]: 'wrong-secret-value' } },
        });
        expect(result.status, provider.factoryId).toBe(502);
        expect(result.body.error).toMatchObject({ code: 'delivery.rejected', details: { kind: 'invalid_config' } });
        expect(result.body.error.details.providerCode).toBeTruthy();
        expect(simulator.messages({ provider: provider.provider })).toHaveLength(0);
      }
    });

    it('times out a provider that hangs, without sending the request twice', async () => {
      const twilio = providerConfigs(simulator)[0];
      if (!twilio) throw new Error('missing twilio config');
      simulator.failNext('twilio', 'hang');
      const result = await passline.request('POST', '/api/connector-factories/twilio-sms/test', {
        body: { to: twilio.to, config: { ...twilio.config, timeoutMs: 1000 } },
      });
      expect(result.status).toBe(504);
      expect(result.body.error).toMatchObject({ code: 'delivery.timeout', details: { kind: 'timeout' } });
      expect(simulator.messages({ provider: 'twilio' })).toHaveLength(0);
    });
  },
);
