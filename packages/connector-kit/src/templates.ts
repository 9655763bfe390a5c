import { z } from 'zod';
import { ConnectorError } from './connector-error.ts';
import { canonicalLocale, localeLookupChain, templateLocaleProblem } from './locales.ts';
import { type UsageType, usageTypeSchema } from './usage-types.ts';
import {
  fallbackUsageType,
  isNoticeUsage,
  requiredUsageTypes,
  templateTextProblems,
  templateVariableNames,
  templateVariablePattern,
} from './vocabulary.ts';

/**
 * Replaces `{{name}}` with `payload.name`. A variable the payload does not provide is a template
 * problem (the admin wrote a variable we will never fill), reported as `template_invalid` so it is
 * never mistaken for the provider refusing the message.
 */
export function renderTemplate(text: string, payload: Readonly<Record<string, string>>): string {
  return text.replace(templateVariablePattern, (_whole, name: string) => {
    const value = payload[name];
    if (value === undefined) {
      throw new ConnectorError(
        'template_invalid',
        `The template uses {{${name}}}, which Passline does not provide for this message; it can use ${templateVariableNames.map((variable) => `{{${variable}}}`).join(' and ')}.`,
      );
    }
    return value;
  });
}

/**
 * Picks the template for a usage in a language. The usage decides first, then the language:
 * 1. the usage's own templates: the requested locale, then shorter forms of it (`pt-BR`, then
 *    `pt`; `localeLookupChain`), then its template without a locale;
 * 2. the same for `Generic`, except for a notice (`PhoneChanged`), which never falls back to it:
 *    that text carries a code the notice does not have;
 * 3. the same in `defaults` (a connector's own default texts, for usages added after a config was
 *    saved), for the usage itself.
 * Tags match case-insensitively on their canonical forms; an invalid `locale` counts as none.
 * Works for any template list whose items carry a `usageType` (and, optionally, a `locale`).
 */
export function findTemplate<T extends { usageType: string; locale?: string | undefined }>(
  templates: readonly T[],
  usage: UsageType,
  defaults: readonly T[] = [],
  locale?: string,
): T {
  const chain = localeLookupChain(locale).map((tag) => tag.toLowerCase());
  const pick = (list: readonly T[], usageType: string): T | undefined => {
    const own = list.filter((template) => template.usageType === usageType);
    for (const tag of chain) {
      const hit = own.find((template) => template.locale?.toLowerCase() === tag);
      if (hit) return hit;
    }
    return own.find((template) => template.locale === undefined);
  };
  const notice = isNoticeUsage(usage);
  const found =
    pick(templates, usage) ?? (notice ? undefined : pick(templates, fallbackUsageType)) ?? pick(defaults, usage);
  if (found) return found;
  // Templates only in other languages are not a fallback: say so, or the admin looks for a typo.
  const elsewhere = templates.some((template) => template.usageType === usage)
    ? ' in this language or without a locale'
    : '';
  throw new ConnectorError(
    'template_not_found',
    notice
      ? `No template for the notice "${usage}"${elsewhere}; add one to the connector's templates (a notice never uses the "${fallbackUsageType}" template, which carries a code).`
      : `No template for usage "${usage}"${elsewhere} and no "${fallbackUsageType}" template to fall back to.`,
  );
}

/**
 * Default texts for every usage, for connectors whose texts live in Passline (twilio-sms, dev-sms):
 * the four code usages state the code's real lifetime, and the notices follow.
 */
export const defaultTextTemplates: ReadonlyArray<{ usageType: string; content: string }> = [
  {
    usageType: 'Register',
    content: 'Your sign-up verification code is {{code}}. It is valid for {{expiresInMinutes}} minutes.',
  },
  {
    usageType: 'SignIn',
    content: 'Your sign-in verification code is {{code}}. It is valid for {{expiresInMinutes}} minutes.',
  },
  {
    usageType: 'ForgotPassword',
    content: 'Your password reset code is {{code}}. It is valid for {{expiresInMinutes}} minutes.',
  },
  {
    usageType: 'Generic',
    content: 'Your verification code is {{code}}. It is valid for {{expiresInMinutes}} minutes.',
  },
];

/**
 * Default texts for the notice usages, for connectors whose texts live in Passline. A connector
 * passes them to `findTemplate` as `defaults`, so a config saved before a notice existed sends it.
 */
export const defaultNoticeTemplates: ReadonlyArray<{ usageType: string; content: string }> = [
  {
    usageType: 'PhoneChanged',
    content: "The phone number on your account was changed. If this wasn't you, contact support.",
  },
];

export interface TemplatesSchemaOptions<Item> {
  /**
   * For templates whose text lives in Passline (Twilio), the name of the field holding the text: it
   * must contain `{{code}}` and no variable outside `templateVariableNames`. Omit it for providers
   * whose templates are stored at the provider (Aliyun and Tencent keep a template code instead).
   */
  textField?: keyof Item & string;
  /** The same as `textField`, as a function (the problems are then reported at the field holding that text). */
  textOf?: (item: Item) => string | undefined;
  /**
   * For provider templates that list the Passline variables they are filled with (Tencent's
   * positional `params`), the name of that list: each name must be one of `templateVariableNames`,
   * and the list, when given, must include `code`.
   */
  variablesField?: keyof Item & string;
  /**
   * What to tell an admin who left `templates` out, for connectors that cannot offer defaults
   * (templates stored at the provider): which entries to add and an example. A connector with
   * default texts uses `.default(...)` instead.
   */
  missingMessage?: string;
}

/**
 * A template's optional language: a BCP 47 tag, stored in its canonical form (`pt-br` → `pt-BR`)
 * so tags compare exactly; a tag that is not one is refused at the item's `locale`.
 */
const templateLocaleSchema = z
  .string()
  .transform((tag, context) => {
    const problem = templateLocaleProblem(tag);
    if (problem === undefined) return canonicalLocale(tag) as string;
    context.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  })
  .describe(
    'Language of this template (BCP 47, e.g. "pt-BR", "zh-CN", "en"). Leave it out for the template used when no other language matches.',
  );

/** The item fields every template has, whatever else the connector adds. */
type TemplateItemShape<Shape extends z.ZodRawShape> = Shape & {
  usageType: typeof usageTypeSchema;
  locale: z.ZodOptional<typeof templateLocaleSchema>;
};

/**
 * A template list: every required usage present with a template without a locale (the one used
 * when no template matches the recipient's language), no (usage, locale) twice, and (when the text
 * lives here) `{{code}}` in every text. Problems come back as zod issues at the exact path, so the
 * console can show them beside the right line.
 */
export function templatesSchema<Shape extends z.ZodRawShape>(
  itemShape: Shape,
  options: TemplatesSchemaOptions<z.infer<z.ZodObject<TemplateItemShape<Shape>>>> = {},
) {
  const item = z.strictObject({ usageType: usageTypeSchema, locale: templateLocaleSchema.optional(), ...itemShape });
  const missingMessage = options.missingMessage;
  const list = z.array(item, {
    error: (issue) => (issue.input === undefined && missingMessage !== undefined ? missingMessage : undefined),
  });
  return list.superRefine((templates, context) => {
    // Usage → the locales it has a template for ('' for none), in order.
    const seen = new Map<string, string[]>();
    templates.forEach((template, index) => {
      const { usageType: usage, locale } = template as { usageType: string; locale?: string };
      const locales = seen.get(usage) ?? [];
      if (locales.includes(locale ?? '')) {
        context.addIssue({
          code: 'custom',
          path: locale === undefined ? [index, 'usageType'] : [index, 'locale'],
          message:
            locale === undefined
              ? `usage "${usage}" has more than one template without a locale`
              : `usage "${usage}" has more than one template for locale "${locale}"`,
        });
      }
      seen.set(usage, [...locales, locale ?? '']);
      checkText(template as Record<string, unknown>, index, usage, options, context);
      checkVariableList(template as Record<string, unknown>, index, usage, options, context);
    });
    for (const usage of requiredUsageTypes) {
      const locales = seen.get(usage);
      if (locales === undefined) {
        context.addIssue({ code: 'custom', path: [], message: `a template for usage "${usage}" is required` });
      } else if (!locales.includes('')) {
        context.addIssue({
          code: 'custom',
          path: [],
          message: `usage "${usage}" needs a template without "locale", sent in every language without its own template (it has only ${locales.map((tag) => `"${tag}"`).join(', ')})`,
        });
      }
    }
  });
}

type RefinementContext = z.core.$RefinementCtx<unknown[]>;

const variableList = templateVariableNames.map((name) => `{{${name}}}`).join(' and ');

/**
 * A text kept in Passline: `{{code}}` present and no variable Passline never fills; a notice's text
 * (no code to give) uses no variables at all.
 */
function checkText(
  template: Record<string, unknown>,
  index: number,
  usage: string,
  options: TemplatesSchemaOptions<never>,
  context: RefinementContext,
): void {
  const field =
    options.textField ?? (options.textOf ? fieldHolding(template, options.textOf(template as never)) : undefined);
  const text = options.textField ? template[options.textField] : options.textOf?.(template as never);
  if (typeof text !== 'string') return;
  for (const problem of templateTextProblems(usage, text)) {
    const at = field === undefined ? [index] : [index, field];
    switch (problem.kind) {
      case 'notice_variable':
        context.addIssue({
          code: 'custom',
          path: at,
          message: `the "${usage}" template is a notice sent without a code and takes no variables; remove {{${problem.name}}}`,
        });
        break;
      case 'unknown_variable':
        context.addIssue({
          code: 'custom',
          path: at,
          message: `the "${usage}" template uses {{${problem.name}}}, which Passline does not fill; a template can use ${variableList}`,
        });
        break;
      case 'missing_code':
        context.addIssue({ code: 'custom', path: [index], message: `the "${usage}" template must contain {{code}}` });
        break;
    }
  }
}

/** A provider template's list of Passline variables: known names only, `code` among them; none for a notice. */
function checkVariableList(
  template: Record<string, unknown>,
  index: number,
  usage: string,
  options: TemplatesSchemaOptions<never>,
  context: RefinementContext,
): void {
  const field = options.variablesField;
  const names = field === undefined ? undefined : template[field];
  if (field === undefined || !Array.isArray(names)) return;
  const notice = isNoticeUsage(usage);
  names.forEach((name, position) => {
    if (notice || !(templateVariableNames as readonly unknown[]).includes(name)) {
      context.addIssue({
        code: 'custom',
        path: [index, field, position],
        message: notice
          ? `the "${usage}" template is a notice sent without a code and takes no variables; remove ${JSON.stringify(name)}`
          : `unknown variable ${JSON.stringify(name)}: the "${usage}" template can be filled with ${templateVariableNames.map((variable) => `"${variable}"`).join(' and ')}`,
      });
    }
  });
  if (!notice && !names.includes('code')) {
    context.addIssue({
      code: 'custom',
      path: [index, field],
      message: `the "${usage}" template must be filled with "code", or the message would not carry the verification code`,
    });
  }
}

/** The field of `template` whose value is `text`, so a problem in it is shown beside that field. */
function fieldHolding(template: Record<string, unknown>, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return Object.keys(template).find((key) => key !== 'usageType' && key !== 'locale' && template[key] === text);
}

/** Every default text, code usages and notices: what a connector whose texts live in Passline starts with. */
export const defaultSmsTemplates: ReadonlyArray<{ usageType: string; content: string }> = [
  ...defaultTextTemplates,
  // A notice, not a code: sent to the old number when an account's phone number changes.
  ...defaultNoticeTemplates,
];

/**
 * The `templates` field of a connector whose texts live in Passline (Twilio, Vonage, Plivo, Sinch):
 * one text per usage with `{{code}}`, at most `maxLength` characters (the provider's limit), the
 * default texts when left out.
 */
export function textTemplatesField(maxLength: number) {
  return templatesSchema(
    {
      content: z
        .string()
        .min(1)
        .max(maxLength)
        .describe('Message text; {{code}} is the verification code, {{expiresInMinutes}} its lifetime.'),
    },
    { textField: 'content' },
  )
    .default([...defaultSmsTemplates])
    .describe('One message text per usage. Default: the texts in configTemplate.')
    .meta({ title: 'Templates' });
}
