import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConnectorError } from './connector-error.ts';
import { findTemplate, renderTemplate, templatesSchema } from './templates.ts';

const schema = templatesSchema({ content: z.string() }, { textOf: (template) => template.content });
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

  it('refuses a variable the payload does not provide', () => {
    expect(() => renderTemplate('Hi {{name}}', { code: '1' })).toThrow(/\{\{name\}\}/);
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
    expect(issues).toContainEqual(['4.usageType', 'usage "Register" has more than one template']);
  });

  it('refuses unknown fields and malformed usage names', () => {
    expect(schema.safeParse([...complete, { usageType: 'bad usage', content: '{{code}}' }]).success).toBe(false);
    expect(schema.safeParse([{ ...complete[0], extra: 1 }, ...complete.slice(1)]).success).toBe(false);
  });
});
