import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConnectorError } from './connector-error.ts';
import { canonicalLocale, localeLookupChain } from './locales.ts';
import { defaultNoticeTemplates, findTemplate, renderTemplate, templatesSchema } from './templates.ts';
import { isNoticeUsage, noticeUsageTypes, templateVariableNames } from './vocabulary.ts';

const schema = templatesSchema({ content: z.string() }, { textOf: (template) => template.content });
const byField = templatesSchema({ content: z.string() }, { textField: 'content' });
const withParams = templatesSchema(
  { templateCode: z.string(), params: z.array(z.string()).optional() },
  { variablesField: 'params' },
);
const complete = [
  { usageType: 'Register', content: 'R {{code}}' },
  { usageType: 'SignIn', content: 'S {{ code }}' },
  { usageType: 'ForgotPassword', content: 'F {{code}}' },
  { usageType: 'Generic', content: 'G {{code}}' },
];

describe('templates', () => {
  it('renders {{code}} and other payload variables', () => {
    expect(renderTemplate('Code {{code}} for {{ app }}', { code: '123456', app: 'Acme' })).toBe('Code 123456 for Acme');
  });

  it('refuses a variable the payload does not provide, as a template problem', () => {
    expect(() => renderTemplate('Hi {{name}}', { code: '1' })).toThrow(/\{\{name\}\}/);
    const error = catching(() => renderTemplate('Hi {{name}}', { code: '1' }));
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('template_invalid');
  });

  it('names the variables Passline fills', () => {
    expect(templateVariableNames).toEqual(['code', 'expiresInMinutes']);
  });

  it('refuses a variable Passline never fills, at the path of the text that uses it', () => {
    const templates = [...complete.slice(0, 2), { usageType: 'ForgotPassword', content: 'Hi {{name}}, code {{code}}' }];
    const withGeneric = [...templates, complete[3]];
    for (const candidate of [schema, byField]) {
      const result = candidate.safeParse(withGeneric);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
        [
          '2.content',
          'the "ForgotPassword" template uses {{name}}, which Passline does not fill; a template can use {{code}} and {{expiresInMinutes}}',
        ],
      ]);
    }
    expect(
      byField.safeParse([...complete, { usageType: 'MfaVerification', content: '{{code}} {{expiresInMinutes}}' }])
        .success,
    ).toBe(true);
  });

  it('checks a list of variables a provider template is filled with', () => {
    const codes = complete.map(({ usageType }, index) => ({ usageType, templateCode: String(index) }));
    expect(withParams.safeParse(codes).success).toBe(true);
    expect(
      withParams.safeParse([
        ...codes.slice(1),
        { usageType: 'Register', templateCode: '9', params: ['expiresInMinutes', 'code'] },
      ]).success,
    ).toBe(true);
    const result = withParams.safeParse([
      ...codes.slice(1),
      { usageType: 'Register', templateCode: '9', params: ['userName'] },
    ]);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      [
        '3.params.0',
        'unknown variable "userName": the "Register" template can be filled with "code" and "expiresInMinutes"',
      ],
      [
        '3.params',
        'the "Register" template must be filled with "code", or the message would not carry the verification code',
      ],
    ]);
  });

  it('falls back to Generic when a usage has no template', () => {
    expect(findTemplate(complete, 'MfaVerification').content).toBe('G {{code}}');
    expect(findTemplate(complete, 'SignIn').content).toBe('S {{ code }}');
  });

  it('reports template_not_found when neither the usage nor Generic exists', () => {
    const error = (() => {
      try {
        findTemplate([{ usageType: 'Register' }], 'SignIn');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('template_not_found');
  });

  it('accepts a complete list and extra usages', () => {
    expect(schema.safeParse([...complete, { usageType: 'MfaVerification', content: 'M {{code}}' }]).success).toBe(true);
  });

  it('names a missing required usage', () => {
    const result = schema.safeParse(complete.filter((template) => template.usageType !== 'ForgotPassword'));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'a template for usage "ForgotPassword" is required',
    ]);
  });

  it('points at a template without {{code}} and at a duplicated usage', () => {
    const result = schema.safeParse([
      ...complete.slice(0, 3),
      { usageType: 'Generic', content: 'no code' },
      complete[0],
    ]);
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((issue) => [issue.path.join('.'), issue.message]);
    expect(issues).toContainEqual(['3', 'the "Generic" template must contain {{code}}']);
    expect(issues).toContainEqual(['4.usageType', 'usage "Register" has more than one template without a locale']);
  });

  it('says what to add when the list is missing, where the connector explains it', () => {
    const explained = templatesSchema({ templateCode: z.string() }, { missingMessage: 'add one code per usage' });
    expect(explained.safeParse(undefined).error?.issues.map((issue) => issue.message)).toEqual([
      'add one code per usage',
    ]);
    // Only a missing list gets it: a list of the wrong type is named as such.
    expect(explained.safeParse('SMS_1').error?.issues[0]?.message).not.toBe('add one code per usage');
  });

  it('refuses unknown fields and malformed usage names', () => {
    expect(schema.safeParse([...complete, { usageType: 'bad usage', content: '{{code}}' }]).success).toBe(false);
    expect(schema.safeParse([{ ...complete[0], extra: 1 }, ...complete.slice(1)]).success).toBe(false);
  });
});

describe('notice usages (PhoneChanged)', () => {
  const notice = { usageType: 'PhoneChanged', content: 'The phone number on your account was changed.' };

  it('are optional usages that carry no code', () => {
    expect(noticeUsageTypes).toEqual(['PhoneChanged']);
    expect(isNoticeUsage('PhoneChanged')).toBe(true);
    expect(isNoticeUsage('SignIn')).toBe(false);
    expect(schema.safeParse(complete).success).toBe(true);
  });

  it('take a template without {{code}}, and refuse any variable in it', () => {
    expect(byField.safeParse([...complete, notice]).success).toBe(true);
    const result = byField.safeParse([...complete, { usageType: 'PhoneChanged', content: 'Changed. Code {{code}}' }]);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      [
        '4.content',
        'the "PhoneChanged" template is a notice sent without a code and takes no variables; remove {{code}}',
      ],
    ]);
  });

  it('take a provider template filled with nothing, and refuse one filled with the code', () => {
    const codes = complete.map(({ usageType }, index) => ({ usageType, templateCode: String(index) }));
    expect(withParams.safeParse([...codes, { usageType: 'PhoneChanged', templateCode: '9' }]).success).toBe(true);
    expect(withParams.safeParse([...codes, { usageType: 'PhoneChanged', templateCode: '9', params: [] }]).success).toBe(
      true,
    );
    const result = withParams.safeParse([...codes, { usageType: 'PhoneChanged', templateCode: '9', params: ['code'] }]);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['4.params.0']);
  });

  it('never fall back to Generic: without their own template they are template_not_found', () => {
    const error = catching(() => findTemplate(complete, 'PhoneChanged'));
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('template_not_found');
    expect((error as ConnectorError).message).toContain('PhoneChanged');
    expect(findTemplate([...complete, notice], 'PhoneChanged')).toBe(notice);
  });

  it("use a connector's default text when the saved templates have none", () => {
    expect(findTemplate(complete, 'PhoneChanged', defaultNoticeTemplates).content).toBe(
      "The phone number on your account was changed. If this wasn't you, contact support.",
    );
    expect(findTemplate([...complete, notice], 'PhoneChanged', defaultNoticeTemplates)).toBe(notice);
    // Code usages still fall back to the admin's Generic text before any default.
    expect(findTemplate(complete, 'MfaVerification', defaultNoticeTemplates).content).toBe('G {{code}}');
  });
});

describe('templates per language', () => {
  const pt = { usageType: 'SignIn', locale: 'pt', content: 'pt S {{code}}' };
  const ptBR = { usageType: 'SignIn', locale: 'pt-BR', content: 'pt-BR S {{code}}' };
  const genericPt = { usageType: 'Generic', locale: 'pt', content: 'pt G {{code}}' };
  const zhHant = { usageType: 'SignIn', locale: 'zh-Hant', content: 'zh-Hant S {{code}}' };
  const localised = [...complete, pt, ptBR, genericPt, zhHant];

  it('canonicalises tags and lists the tags that stand in for one, most specific first', () => {
    expect(canonicalLocale('pt-br')).toBe('pt-BR');
    expect(canonicalLocale('ZH-hans-cn')).toBe('zh-Hans-CN');
    expect(canonicalLocale('iw')).toBe('he');
    expect(canonicalLocale('pt_BR')).toBeUndefined();
    expect(canonicalLocale('*')).toBeUndefined();
    expect(localeLookupChain('pt-br')).toEqual(['pt-BR', 'pt']);
    expect(localeLookupChain('zh-Hant-TW')).toEqual(['zh-Hant-TW', 'zh-Hant', 'zh']);
    expect(localeLookupChain('en-GB-u-ca-gregory')).toEqual(['en-GB', 'en']);
    expect(localeLookupChain('not a tag')).toEqual([]);
    expect(localeLookupChain(undefined)).toEqual([]);
  });

  it("picks the usage's template in the locale, then the base language, then without a locale", () => {
    expect(findTemplate(localised, 'SignIn', [], 'pt-BR')).toBe(ptBR);
    expect(findTemplate(localised, 'SignIn', [], 'pt-PT')).toBe(pt);
    expect(findTemplate(localised, 'SignIn', [], 'pt')).toBe(pt);
    expect(findTemplate(localised, 'SignIn', [], 'zh-Hant-HK')).toBe(zhHant);
    expect(findTemplate(localised, 'SignIn', [], 'zh-CN').content).toBe('S {{ code }}');
    expect(findTemplate(localised, 'SignIn', [], 'fr').content).toBe('S {{ code }}');
    expect(findTemplate(localised, 'SignIn').content).toBe('S {{ code }}');
    // The order of the list does not matter: the most specific tag wins.
    expect(findTemplate([ptBR, pt, ...complete].reverse(), 'SignIn', [], 'pt-BR')).toBe(ptBR);
  });

  it('matches case-insensitively, and takes an invalid locale as none', () => {
    expect(findTemplate(localised, 'SignIn', [], 'PT-br')).toBe(ptBR);
    const upper = { ...ptBR, locale: 'PT-BR' };
    expect(findTemplate([...complete, upper], 'SignIn', [], 'pt-br')).toBe(upper);
    expect(findTemplate(localised, 'SignIn', [], 'pt_BR').content).toBe('S {{ code }}');
  });

  it("decides the usage first: the usage's template without a locale beats Generic in the language", () => {
    expect(findTemplate(localised, 'Register', [], 'pt-BR').content).toBe('R {{code}}');
    // A usage without templates of its own takes Generic, in the language when there is one.
    expect(findTemplate(localised, 'MfaVerification', [], 'pt-BR')).toBe(genericPt);
    expect(findTemplate(localised, 'MfaVerification', [], 'de').content).toBe('G {{code}}');
    // Templates of a usage only in other languages are not its templates for this one.
    const mfaPt = { usageType: 'MfaVerification', locale: 'pt', content: 'pt M {{code}}' };
    expect(findTemplate([...localised, mfaPt], 'MfaVerification', [], 'pt')).toBe(mfaPt);
    expect(findTemplate([...localised, mfaPt], 'MfaVerification', [], 'en').content).toBe('G {{code}}');
  });

  it('never gives a notice Generic in any language; its own templates, then the defaults', () => {
    const noticePt = { usageType: 'PhoneChanged', locale: 'pt', content: 'O seu número foi alterado.' };
    expect(findTemplate([...localised, noticePt], 'PhoneChanged', defaultNoticeTemplates, 'pt-BR')).toBe(noticePt);
    expect(findTemplate([...localised, noticePt], 'PhoneChanged', defaultNoticeTemplates, 'en').content).toContain(
      'was changed. If',
    );
    const error = catching(() => findTemplate([...localised, noticePt], 'PhoneChanged', [], 'en'));
    expect((error as ConnectorError).kind).toBe('template_not_found');
    expect((error as ConnectorError).message).toContain('in this language or without a locale');
  });

  it('stores a canonical locale and refuses a tag that is not one, at that item', () => {
    const parsed = schema.parse([...complete, { usageType: 'SignIn', locale: 'PT-br', content: 'x {{code}}' }]);
    expect(parsed.at(-1)).toEqual({ usageType: 'SignIn', locale: 'pt-BR', content: 'x {{code}}' });
    const result = schema.safeParse([...complete, { usageType: 'SignIn', locale: 'pt_BR', content: 'x {{code}}' }]);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['4.locale', '"pt_BR" is not a BCP 47 language tag; write one such as "en", "pt-BR" or "zh-CN"'],
    ]);
    for (const locale of ['en-u-ca-gregory', 'und', '', 5]) {
      const refused = schema.safeParse([...complete, { usageType: 'SignIn', locale, content: 'x {{code}}' }]);
      expect(
        refused.error?.issues.map((issue) => issue.path.join('.')),
        String(locale),
      ).toEqual(['4.locale']);
    }
  });

  it('refuses two templates for the same usage and language, however the tag is written', () => {
    const result = schema.safeParse([
      ...complete,
      { usageType: 'SignIn', locale: 'pt-BR', content: 'a {{code}}' },
      { usageType: 'Register', locale: 'pt-BR', content: 'b {{code}}' },
      { usageType: 'SignIn', locale: 'pt-br', content: 'c {{code}}' },
    ]);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['6.locale', 'usage "SignIn" has more than one template for locale "pt-BR"'],
    ]);
    const twice = schema.safeParse([...complete, { usageType: 'SignIn', content: 'again {{code}}' }]);
    expect(twice.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['4.usageType', 'usage "SignIn" has more than one template without a locale'],
    ]);
  });

  it('still needs each required usage without a locale, the last fallback', () => {
    const onlyPt = complete.map((template) =>
      template.usageType === 'ForgotPassword' ? { ...template, locale: 'pt' } : template,
    );
    expect(schema.safeParse(onlyPt).error?.issues.map((issue) => issue.message)).toEqual([
      'usage "ForgotPassword" needs a template without "locale", sent in every language without its own template (it has only "pt")',
    ]);
  });

  it('takes a locale on provider template codes too', () => {
    const codes = complete.map(({ usageType }, index) => ({ usageType, templateCode: String(index) }));
    const zh = { usageType: 'SignIn', locale: 'zh-cn', templateCode: '9', params: ['code'] };
    const parsed = withParams.parse([...codes, zh]);
    expect(findTemplate(parsed, 'SignIn', [], 'zh-CN')).toEqual({ ...zh, locale: 'zh-CN' });
    expect(findTemplate(parsed, 'SignIn', [], 'zh-TW').templateCode).toBe('1');
  });
});

function catching(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
