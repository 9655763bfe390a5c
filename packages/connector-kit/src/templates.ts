import { z } from 'zod';
import { ConnectorError } from './connector-error.ts';
import { fallbackUsageType, requiredUsageTypes, type UsageType, usageTypeSchema } from './usage-types.ts';

const variablePattern = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** Variables that appear in a template text, e.g. `["code"]`. */
export function templateVariables(text: string): string[] {
  return [...text.matchAll(variablePattern)].map((match) => match[1] as string);
}

/**
 * Replaces `{{name}}` with `payload.name`. A variable the payload does not provide is a
 * configuration problem (the admin wrote a variable we will never fill), not something to send.
 */
export function renderTemplate(text: string, payload: Readonly<Record<string, string>>): string {
  return text.replace(variablePattern, (_whole, name: string) => {
    const value = payload[name];
    if (value === undefined) {
      throw new ConnectorError('invalid_config', `The template uses {{${name}}}, which Passline does not provide.`);
    }
    return value;
  });
}

/**
 * Picks the template for a usage, falling back to `Generic`. Works for any template list whose
 * items carry a `usageType`.
 */
export function findTemplate<T extends { usageType: string }>(templates: readonly T[], usage: UsageType): T {
  const exact = templates.find((template) => template.usageType === usage);
  if (exact) return exact;
  const fallback = templates.find((template) => template.usageType === fallbackUsageType);
  if (fallback) return fallback;
  throw new ConnectorError(
    'template_not_found',
    `No template for usage "${usage}" and no "${fallbackUsageType}" template to fall back to.`,
  );
}

export interface TemplatesSchemaOptions<Item> {
  /**
   * For templates whose text lives in Passline (Twilio), the field holding the text: it must
   * contain `{{code}}`. Omit it for providers whose templates are stored at the provider
   * (Aliyun and Tencent keep a template code here instead).
   */
  textOf?: (item: Item) => string | undefined;
}

/**
 * A template list: one item per usage, every required usage present, no usage twice, and (when
 * the text lives here) `{{code}}` in every text. Problems come back as zod issues at the exact path,
 * so the console can show them beside the right line.
 */
export function templatesSchema<Shape extends z.ZodRawShape>(
  itemShape: Shape,
  options: TemplatesSchemaOptions<z.infer<z.ZodObject<Shape & { usageType: typeof usageTypeSchema }>>> = {},
) {
  const item = z.strictObject({ usageType: usageTypeSchema, ...itemShape });
  return z.array(item).superRefine((templates, context) => {
    const seen = new Set<string>();
    templates.forEach((template, index) => {
      const usage = (template as { usageType: string }).usageType;
      if (seen.has(usage)) {
        context.addIssue({
          code: 'custom',
          path: [index, 'usageType'],
          message: `usage "${usage}" has more than one template`,
        });
      }
      seen.add(usage);
      const text = options.textOf?.(template as never);
      if (options.textOf && text !== undefined && !templateVariables(text).includes('code')) {
        context.addIssue({
          code: 'custom',
          path: [index],
          message: `the "${usage}" template must contain {{code}}`,
        });
      }
    });
    for (const usage of requiredUsageTypes) {
      if (!seen.has(usage)) {
        context.addIssue({ code: 'custom', path: [], message: `a template for usage "${usage}" is required` });
      }
    }
  });
}
