/**
 * The words connectors, the server and the browser share: usage names, the variables Passline fills
 * into a template text, the rule every text kept in Passline follows, and the secret mask.
 *
 * This module imports nothing (no zod, no Node) but the language-tag rules of `locales.ts`, which
 * import nothing either, so browser code can take it through `@passline/connector-kit/vocabulary`
 * (the console, via `@passline/contracts`) without the rest of the kit.
 */

export { canonicalLocale, localeLookupChain, templateLocaleProblem } from './locales.ts';

/** The usages every SMS connector must have a template for. */
export const requiredUsageTypes = ['Register', 'SignIn', 'ForgotPassword', 'Generic'] as const;
export type RequiredUsageType = (typeof requiredUsageTypes)[number];

/**
 * Usages that carry no code: account notices such as `PhoneChanged` ("the phone number on your
 * account was changed"). They are optional (a connector without the template cannot send the
 * notice), their payload is empty, so their templates use no variables, and they never fall back
 * to `Generic`, whose text carries a code.
 */
export const noticeUsageTypes = ['PhoneChanged'] as const;
export type NoticeUsageType = (typeof noticeUsageTypes)[number];

/** Whether a usage is an account notice (no code, no variables, no fallback). */
export function isNoticeUsage(usage: string): usage is NoticeUsageType {
  return (noticeUsageTypes as readonly string[]).includes(usage);
}

/** The usage that stands in when a connector has no template for the requested one. */
export const fallbackUsageType: RequiredUsageType = 'Generic';

/** How a usage is spelled: a PascalCase name such as Register or SignIn. */
export const usageTypePattern = /^[A-Z][A-Za-z0-9]{1,39}$/;

/**
 * The variables Passline fills in a code message: `code`, and `expiresInMinutes`, the code's
 * lifetime. A template naming anything else would fail every send, so the config is refused instead.
 */
export const templateVariableNames = ['code', 'expiresInMinutes'] as const;
export type TemplateVariableName = (typeof templateVariableNames)[number];

/** A variable in a template text, `{{ name }}`; the name is the first group. */
export const templateVariablePattern = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** Variables that appear in a template text, e.g. `["code"]`, in order, repeats included. */
export function templateVariables(text: string): string[] {
  return [...text.matchAll(templateVariablePattern)].map((match) => match[1] as string);
}

/** What the API returns in place of a stored secret; sending it back in a PATCH keeps the value. */
export const secretMask = '••••••••';

/** One thing wrong with a template text, for the caller to put in its own words. */
export type TemplateTextProblem =
  /** A notice's text names a variable: a notice is sent without a code and takes none. */
  | { kind: 'notice_variable'; name: string }
  /** A code's text names a variable Passline does not fill, so every send would fail. */
  | { kind: 'unknown_variable'; name: string }
  /** A code's text has no `{{code}}`: the code would not be in the message. */
  | { kind: 'missing_code' };

export interface TemplateTextRules {
  /** The variables Passline fills into a code's text; `templateVariableNames` unless a server said otherwise. */
  variables?: readonly string[];
  /** The usages sent without a code; `noticeUsageTypes` unless a server said otherwise. */
  noticeUsages?: readonly string[];
}

/**
 * The rule for a text kept in Passline (not at the provider): a code's text contains `{{code}}`
 * and no variable Passline does not fill; a notice's text uses no variables at all. Each variable
 * is reported once. The server refuses a config that breaks it; the console flags it as you type.
 */
export function templateTextProblems(
  usage: string,
  text: string,
  rules: TemplateTextRules = {},
): TemplateTextProblem[] {
  const variables: readonly string[] = rules.variables ?? templateVariableNames;
  const notices: readonly string[] = rules.noticeUsages ?? noticeUsageTypes;
  const used = [...new Set(templateVariables(text))];
  if (notices.includes(usage)) return used.map((name) => ({ kind: 'notice_variable', name }));
  const problems: TemplateTextProblem[] = used
    .filter((name) => !variables.includes(name))
    .map((name) => ({ kind: 'unknown_variable', name }));
  if (!used.includes('code')) problems.push({ kind: 'missing_code' });
  return problems;
}
