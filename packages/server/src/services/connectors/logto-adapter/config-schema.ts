import { defaultSmsTemplates, templatesSchema, timeoutField, z } from '@passline/connector-kit';
import type { LogtoConnector, LogtoFormItem } from './logto-types.ts';
import { type GuardField, guardFields, templateItemFields } from './zod3-shape.ts';

/**
 * Fields that hold credentials in Logto connectors. Logto marks few fields `isConfidential`
 * (SmsAero's `apiKey` is a plain Text item), so names decide too: Passline encrypts these at rest
 * and never returns them.
 */
const secretName = /secret|token|password|passphrase|api_?key|access_?key|private_?key|authorization|credential/i;

/** Passline's own fields, added beside the connector's and never handed to it. */
export const passlineOnlyFields = ['timeoutMs'] as const;

export interface LogtoConfigSchema {
  schema: z.ZodType<Record<string, unknown>>;
  configTemplate: Record<string, unknown>;
  /** The usages the connector's guard accepts in `templates`, when it limits them (an enum). */
  usages?: ReadonlySet<string>;
}

/**
 * A Passline (zod 4) config schema for a Logto connector. Its fields come from the connector's form
 * items (labels, placeholders, defaults), then from its zod 3 `configGuard` for anything the form
 * does not list; `templates` becomes Passline's template list, so the console's template editor and
 * Passline's checks (every usage, `{{code}}`, languages) apply. Whatever passes is then checked by
 * the connector's own `configGuard`, whose issues become Passline's config issues.
 */
export function logtoConfigSchema(connector: LogtoConnector): LogtoConfigSchema {
  const guard = guardFields(connector.configGuard);
  const shape: Record<string, z.ZodType> = {};
  const configTemplate: Record<string, unknown> = {};
  for (const item of connector.metadata.formItems ?? []) {
    if (item.key === 'templates') continue;
    shape[item.key] = formItemField(item, guard.get(item.key));
    const example = item.defaultValue ?? item.placeholder;
    if (!isSecret(item) && example !== undefined && example !== '') configTemplate[item.key] = example;
  }
  for (const [name, field] of guard) {
    if (name === 'templates' || name in shape) continue;
    const named = field.passline.meta({ title: name });
    shape[name] = field.optional ? named.optional() : named;
  }
  const items = templateItemFields(connector.configGuard);
  const usageValues = items?.get('usageType')?.values;
  const usages = usageValues?.length ? new Set(usageValues) : undefined;
  const hasTemplates =
    items !== undefined || (connector.metadata.formItems ?? []).some((item) => item.key === 'templates');
  if (hasTemplates) {
    const templates = templatesField(items, usages);
    shape.templates = templates.field;
    if (templates.defaults) configTemplate.templates = templates.defaults;
  }
  if (!('timeoutMs' in shape)) shape.timeoutMs = timeoutField();

  // Loose: a field the connector reads but declares nowhere still reaches it.
  const schema = z.looseObject(shape).check((payload) => {
    // Passline's own checks speak first; the guard would repeat them in its words.
    if (payload.issues.length > 0) return;
    const checked = connector.configGuard.safeParse(toLogtoConfig(payload.value));
    if (checked.success) return;
    for (const issue of checked.error.issues) {
      payload.issues.push({ code: 'custom', path: issue.path, message: issue.message, input: payload.value });
    }
  });
  return {
    schema: schema as unknown as z.ZodType<Record<string, unknown>>,
    configTemplate,
    ...(usages ? { usages } : {}),
  };
}

/**
 * The config as the Logto connector expects it: without Passline's own fields, and templates
 * without their `locale` (Logto keeps one template per usage; the adapter picks the language).
 */
export function toLogtoConfig(config: Record<string, unknown>, templates?: unknown[]): Record<string, unknown> {
  const result: Record<string, unknown> = { ...config };
  for (const name of passlineOnlyFields) delete result[name];
  const list = templates ?? config.templates;
  if (Array.isArray(list)) {
    result.templates = list.map((item) => {
      if (typeof item !== 'object' || item === null) return item;
      const { locale: _locale, ...rest } = item as Record<string, unknown>;
      return rest;
    });
  }
  return result;
}

function isSecret(item: LogtoFormItem): boolean {
  return (
    item.isConfidential === true ||
    ((item.type === 'Text' || item.type === 'MultilineText') && secretName.test(item.key))
  );
}

function formItemField(item: LogtoFormItem, guard: GuardField | undefined): z.ZodType {
  const values = (item.selectItems ?? []).map((option) => option.value);
  const choice = values.length ? z.enum(values as [string, ...string[]]) : z.string();
  let field: z.ZodType;
  switch (item.type) {
    case 'Text':
    case 'MultilineText':
      field = z.string();
      break;
    case 'Number':
      field = z.number();
      break;
    case 'Switch':
      field = z.boolean();
      break;
    case 'Select':
      field = choice;
      break;
    case 'MultiSelect':
      field = z.array(choice);
      break;
    default:
      // Json items, and types added to Logto's kit after this adapter was written.
      field = guard?.passline ?? z.unknown();
  }
  const description = item.description ?? item.tooltip;
  field = field.meta({
    title: item.label,
    ...(description ? { description } : {}),
    ...(isSecret(item) ? { writeOnly: true, 'x-secret': true } : {}),
  });
  // The guard decides what is required; the form item's flag when the guard cannot be read.
  const required = guard ? !guard.optional : item.required === true;
  if (item.defaultValue !== undefined && field.safeParse(item.defaultValue).success) {
    return field.default(item.defaultValue as never);
  }
  return required ? field : field.optional();
}

/**
 * Passline's template list with the item fields the connector's guard declares. Items with a
 * `content` text (SmsAero, GatewayAPI, Twilio, ...) follow Passline's text rules and default to
 * Passline's texts; items that name a template stored at the provider (a template code) are
 * checked only for their usages and languages, and have no default.
 */
function templatesField(
  items: Map<string, GuardField> | undefined,
  usages: ReadonlySet<string> | undefined,
): {
  field: z.ZodType;
  defaults?: unknown[];
} {
  const itemShape: Record<string, z.ZodType> = {};
  for (const [name, field] of items ?? new Map<string, GuardField>([['content', contentField()]])) {
    if (name === 'usageType' || name === 'locale') continue;
    const base =
      name === 'content'
        ? z
            .string()
            .min(1)
            .describe('Message text; {{code}} is the verification code, {{expiresInMinutes}} its lifetime.')
        : field.passline;
    itemShape[name] = field.optional ? base.optional() : base;
  }
  const textOnly = Object.keys(itemShape).length === 1 && 'content' in itemShape;
  const list = templatesSchema(itemShape, 'content' in itemShape ? { textField: 'content' } : {});
  if (!textOnly) {
    return { field: list.describe('One template per usage (and language).').meta({ title: 'Templates' }) };
  }
  // A guard that limits usages to Logto's would refuse Passline's defaults for other usages (PhoneChanged).
  const defaults = defaultSmsTemplates.filter((template) => usages?.has(template.usageType) ?? true);
  return {
    field: list
      .default(defaults)
      .describe('One message text per usage. Default: the texts in configTemplate.')
      .meta({ title: 'Templates' }),
    defaults,
  };
}

function contentField(): GuardField {
  return { optional: false, typeName: 'ZodString', passline: z.string() };
}
