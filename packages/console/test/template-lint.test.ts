import { describe, expect, it } from 'vitest';
import { parseJsonWithPositions } from '../src/json-positions.ts';
import { checkTemplates } from '../src/template-lint.ts';

// The item schemas as the server publishes them (JSON Schema of the connector's template item).
const textItems = {
  type: 'object',
  properties: { usageType: { type: 'string' }, content: { type: 'string' } },
  required: ['usageType', 'content'],
};
const codeItems = {
  type: 'object',
  properties: { usageType: { type: 'string' }, templateCode: { type: 'string' } },
  required: ['usageType', 'templateCode'],
};
const usages = ['Register', 'SignIn', 'ForgotPassword', 'Generic'];
const good = usages.map((usageType) => ({ usageType, content: `${usageType}: {{code}}` }));

describe('checkTemplates', () => {
  it('accepts one template with {{code}} per required usage, and more usages', () => {
    expect(checkTemplates(JSON.stringify(good, null, 2), textItems).ok).toBe(true);
    const more = [...good, { usageType: 'MfaVerification', content: '{{ code }}' }];
    expect(checkTemplates(JSON.stringify(more), textItems).ok).toBe(true);
  });

  it('puts a missing {{code}} on the line of that text', () => {
    const text = JSON.stringify(
      good.map((t) => (t.usageType === 'SignIn' ? { ...t, content: 'no code' } : t)),
      null,
      2,
    );
    const result = checkTemplates(text, textItems);
    expect(result.problems).toEqual([
      expect.objectContaining({ line: 8, message: expect.stringContaining('"SignIn" template text has no {{code}}') }),
    ]);
    expect(text.split('\n')[7]).toContain('no code');
  });

  it('does not ask for {{code}} when the provider keeps the text (template codes)', () => {
    const items = usages.map((usageType) => ({ usageType, templateCode: 'SMS_1' }));
    expect(checkTemplates(JSON.stringify(items), codeItems).ok).toBe(true);
  });

  it('names each missing usage, duplicates, unknown fields and missing fields', () => {
    const text = JSON.stringify([
      { usageType: 'Generic', content: '{{code}}' },
      { usageType: 'Generic', content: '{{code}}', colour: 'red' },
      { usageType: 'Register' },
    ]);
    const messages = checkTemplates(text, textItems).problems.map((problem) => problem.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Usage "Generic" already has a template (item 1)'),
        expect.stringContaining('"colour" is not a template field'),
        'This template has no "content".',
        expect.stringContaining('No template for usage "SignIn"'),
        expect.stringContaining('No template for usage "ForgotPassword"'),
      ]),
    );
  });

  it('flags a variable Passline does not fill in, at the line of that text', () => {
    const variables = ['code', 'expiresInMinutes'];
    const text = JSON.stringify(
      good.map((t) =>
        t.usageType === 'Register'
          ? { ...t, content: 'Hi {{name}}, {{ code }} (valid {{expiresInMinutes}} min) {{name}}' }
          : t,
      ),
      null,
      2,
    );
    const result = checkTemplates(text, textItems, { variables });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.objectContaining({
        line: 4,
        message: expect.stringContaining('{{name}} is not a variable Passline fills in'),
      }),
    ]);
    expect(result.problems[0]?.message).toContain('use {{code}} or {{expiresInMinutes}}');
    // Known variables, with or without spaces, are fine; without a list, the server's own applies.
    expect(checkTemplates(JSON.stringify(good), textItems, { variables }).ok).toBe(true);
    expect(checkTemplates(text, textItems).problems).toEqual(result.problems);
  });

  it('takes a notice usage without {{code}}, and flags any variable in it', () => {
    const vocabulary = { variables: ['code', 'expiresInMinutes'], noticeUsages: ['PhoneChanged'] };
    const notice = { usageType: 'PhoneChanged', content: 'The phone number on your account was changed.' };
    expect(checkTemplates(JSON.stringify([...good, notice]), textItems, vocabulary).ok).toBe(true);
    const withCode = [...good, { ...notice, content: 'Changed. Code {{code}}' }];
    expect(checkTemplates(JSON.stringify(withCode), textItems, vocabulary).problems).toEqual([
      expect.objectContaining({ message: expect.stringContaining('"PhoneChanged" template is a notice') }),
    ]);
    // Every other text needs {{code}}; not told which usages are notices, the server's own list applies.
    const extra = [...good, { usageType: 'MfaVerification', content: 'no code' }];
    expect(checkTemplates(JSON.stringify(extra), textItems, vocabulary).ok).toBe(false);
    expect(checkTemplates(JSON.stringify([...good, notice]), textItems, { variables: vocabulary.variables }).ok).toBe(
      true,
    );
    expect(checkTemplates(JSON.stringify(withCode), textItems).ok).toBe(false);
  });

  it('explains syntax errors in words at their line', () => {
    const cases: Array<[string, number, string]> = [
      ['[\n  { "usageType": "Generic" },\n]', 3, 'A comma before "]" has nothing after it'],
      ['[\n  { "usageType": "Generic" }\n  { "usageType": "SignIn" }\n]', 3, 'Expected "," or "]" after an item'],
      ["[\n  { 'usageType': 'Generic' }\n]", 2, 'a "name" in double quotes'],
      ['[\n  { "content": "unclosed }\n]', 2, 'not closed'],
      ['', 1, 'Expected a value'],
    ];
    for (const [text, line, words] of cases) {
      const [problem] = checkTemplates(text, textItems).problems;
      expect(problem?.line, text).toBe(line);
      expect(problem?.message, text).toContain(words);
    }
    expect(checkTemplates('{"usageType":"Generic"}', textItems).problems[0]?.message).toContain('must be a list');
  });
});

describe('checkTemplates: templates per language', () => {
  const localeItems = {
    ...textItems,
    properties: { ...textItems.properties, locale: { type: 'string' } },
  };

  it('accepts a template per usage and language beside the ones without locale', () => {
    const items = [
      ...good,
      { usageType: 'SignIn', locale: 'pt-BR', content: 'Código {{code}}' },
      { usageType: 'SignIn', locale: 'pt', content: 'Código {{code}}' },
      { usageType: 'Generic', locale: 'zh-CN', content: '验证码 {{code}}' },
    ];
    expect(checkTemplates(JSON.stringify(items, null, 2), localeItems)).toMatchObject({ ok: true });
  });

  it('puts a tag that is not BCP 47 on its line, in the words the server uses', () => {
    const items = [...good, { usageType: 'SignIn', locale: 'pt_BR', content: 'Código {{code}}' }];
    const text = JSON.stringify(items, null, 2);
    const result = checkTemplates(text, localeItems);
    expect(result.problems).toEqual([
      expect.objectContaining({
        line: 20,
        message: '"pt_BR" is not a BCP 47 language tag; write one such as "en", "pt-BR" or "zh-CN".',
      }),
    ]);
    expect(text.split('\n')[19]).toContain('"locale": "pt_BR"');
    const number = checkTemplates(JSON.stringify([...good, { ...items[4], locale: 5 }]), localeItems);
    expect(number.problems.map((problem) => problem.message)).toEqual([
      'The locale must be a language tag in double quotes, such as "pt-BR".',
    ]);
  });

  it('puts a second template for the same usage and language on its line, however the tag is written', () => {
    const items = [
      ...good,
      { usageType: 'SignIn', locale: 'pt-BR', content: 'a {{code}}' },
      { usageType: 'Register', locale: 'pt-BR', content: 'b {{code}}' },
      { usageType: 'SignIn', locale: 'PT-br', content: 'c {{code}}' },
    ];
    const text = JSON.stringify(items, null, 2);
    const result = checkTemplates(text, localeItems);
    expect(result.problems).toEqual([
      expect.objectContaining({
        line: 30,
        message: 'Usage "SignIn" already has a template for "pt-BR" (item 5); keep one.',
      }),
    ]);
    expect(text.split('\n')[29]).toContain('"locale": "PT-br"');
  });

  it('asks for a template without locale for each required usage', () => {
    const items = good.map((t) => (t.usageType === 'Generic' ? { ...t, locale: 'en' } : t));
    expect(checkTemplates(JSON.stringify(items), localeItems).problems.map((problem) => problem.message)).toEqual([
      'Usage "Generic" needs a template without "locale", sent in every language without its own (it has only "en").',
    ]);
  });

  it('names locale as an unknown field for a connector whose templates take none', () => {
    const items = [...good, { usageType: 'SignIn', locale: 'pt', content: 'Código {{code}}' }];
    expect(checkTemplates(JSON.stringify(items), textItems).problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining('"locale" is not a template field'),
    ]);
  });
});

describe('parseJsonWithPositions', () => {
  it('parses what JSON.parse parses, and records where values are', () => {
    const text = '{"a": [1, -2.5e3, true, null, "x\\n\\u0041"], "b": {}}';
    const parsed = parseJsonWithPositions(text);
    expect(parsed.ok && parsed.value).toEqual(JSON.parse(text));
    const span = parsed.ok ? parsed.spans.get('a.4') : undefined;
    expect(span && text.slice(span.from, span.to)).toBe('"x\\n\\u0041"');
  });
});
