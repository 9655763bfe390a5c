import { defaultNoticeTemplates, findTemplate } from '@passline/connector-kit';

type TemplateItem = { usageType: string; locale?: string } & Record<string, unknown>;

/**
 * The templates handed to a Logto connector for one message. Logto connectors take the first
 * template whose `usageType` is the message's type, and some (SmsAero) never fall back to
 * `Generic`; Passline picks by usage, then language, then `Generic`. So Passline picks (the same
 * `findTemplate` every built-in connector uses) and puts its choice first under the message's
 * usage, followed by the templates without a language, which keep the connector's own guard
 * (every required usage present) satisfied.
 */
export function templatesForMessage(
  templates: readonly TemplateItem[],
  usage: string,
  locale?: string,
): TemplateItem[] {
  // Texts kept in Passline have default notices (PhoneChanged); templates kept at the provider do not.
  const defaults = templates.some((template) => 'content' in template) ? defaultNoticeTemplates : [];
  const chosen = findTemplate<TemplateItem>(templates, usage, defaults as readonly TemplateItem[], locale);
  const { locale: _locale, ...picked } = chosen;
  return [{ ...picked, usageType: usage }, ...templates.filter((template) => template.locale === undefined)];
}
