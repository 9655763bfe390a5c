import {
  canonicalLocale,
  type Factory,
  type JsonSchema,
  requiredUsageTypes,
  type TemplateTextProblem,
  type TemplateTextRules,
  templateLocaleProblem,
  templateTextProblems,
  templateVariableNames,
  usageTypePattern,
} from '@passline/contracts';
import { lineOf, parseJsonWithPositions } from './json-positions.ts';

export interface TemplateProblem {
  from: number;
  to: number;
  line: number;
  message: string;
}

/**
 * What the connector type says about its templates (the factory's `templateVariables` and
 * `noticeUsages`); the rule itself is the one the server applies (`templateTextProblems`).
 */
export type TemplateVocabulary = TemplateTextRules;

/** `value` is undefined when optional templates are left empty: the config is saved without them. */
export type TemplateCheck =
  | { ok: true; value: unknown[] | undefined; problems: [] }
  | { ok: false; problems: TemplateProblem[] };

/** An editor left empty, or holding only `[]`. */
const emptyTemplates = /^\s*(\[\s*\])?\s*$/;

/**
 * Checks the templates JSON as the admin types: syntax, one object per usage and language, every
 * required usage with a template without `locale`, language tags, the fields the connector's schema
 * asks for, and `{{code}}` in every text that lives in Passline (connectors whose template items
 * have a `content` field). Each problem carries the place it
 * belongs to, for the editor, and a line number, for the list under it.
 */
export function checkTemplates(
  text: string,
  itemSchema: JsonSchema | undefined,
  /** What the connector type says about its templates; the shared defaults when it says nothing. */
  vocabulary: TemplateVocabulary = {},
  /** The connector's schema does not require templates (http-sms): none at all is fine. */
  options: { optional?: boolean } = {},
): TemplateCheck {
  if (options.optional && emptyTemplates.test(text)) return { ok: true, value: undefined, problems: [] };
  const variables = vocabulary.variables ?? templateVariableNames;
  const parsed = parseJsonWithPositions(text);
  if (!parsed.ok) {
    const line = lineOf(text, parsed.offset);
    return {
      ok: false,
      problems: [
        {
          from: parsed.offset,
          to: Math.min(text.length, parsed.offset + 1),
          line,
          message: `Invalid JSON: ${parsed.message}`,
        },
      ],
    };
  }
  const problems: TemplateProblem[] = [];
  const at = (path: string, message: string) => {
    const span = parsed.spans.get(path) ?? { from: 0, to: Math.min(1, text.length) };
    problems.push({ from: span.from, to: span.to, line: lineOf(text, span.from), message });
  };
  const value = parsed.value;
  if (!Array.isArray(value)) {
    at('', 'The templates must be a list: [ { "usageType": "Generic", ... }, ... ].');
    return { ok: false, problems };
  }
  const properties = itemSchema?.properties ?? {};
  const required = itemSchema?.required ?? ['usageType'];
  const textField = properties.content ? 'content' : undefined;
  // Usage → language ('' for the template without a locale) → the item holding it.
  const seen = new Map<string, Map<string, number>>();
  value.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      at(String(index), `Item ${index + 1} must be an object like { "usageType": "Generic", ... }.`);
      return;
    }
    const record = item as Record<string, unknown>;
    for (const field of required) {
      if (record[field] === undefined) at(String(index), `This template has no "${field}".`);
    }
    for (const field of Object.keys(record)) {
      if (itemSchema?.properties && !(field in properties)) {
        at(
          `${index}.${field}`,
          `"${field}" is not a template field; use ${Object.keys(properties)
            .map((name) => `"${name}"`)
            .join(', ')}.`,
        );
      }
    }
    const language = languageOf(record.locale, (message) => at(`${index}.locale`, message));
    const usage = record.usageType;
    if (usage !== undefined) {
      if (typeof usage !== 'string' || !usageTypePattern.test(usage)) {
        at(`${index}.usageType`, 'A usage is a name such as Register, SignIn, ForgotPassword or Generic.');
      } else {
        const languages = seen.get(usage) ?? new Map<string, number>();
        seen.set(usage, languages);
        const earlier = language === undefined ? undefined : languages.get(language);
        if (earlier !== undefined) {
          at(
            language ? `${index}.locale` : `${index}.usageType`,
            `Usage "${usage}" already has a template${language ? ` for "${language}"` : ''} (item ${earlier + 1}); keep one.`,
          );
        } else if (language !== undefined) {
          languages.set(language, index);
        }
      }
    }
    const content = textField ? record[textField] : undefined;
    if (textField && content !== undefined && typeof content !== 'string') {
      at(`${index}.${textField}`, 'The message text must be in double quotes.');
    } else if (textField && typeof content === 'string') {
      // A usage that is not a name yet is taken as a code's text: it needs {{code}} either way.
      const name = typeof usage === 'string' ? usage : '';
      for (const problem of templateTextProblems(name, content, vocabulary)) {
        at(`${index}.${textField}`, describeProblem(problem, name, variables));
      }
    }
  });
  for (const usage of requiredUsageTypes) {
    const languages = seen.get(usage);
    if (languages === undefined) {
      at(
        '',
        `No template for usage "${usage}": add one (Register, SignIn, ForgotPassword and Generic are all required).`,
      );
    } else if (!languages.has('')) {
      const only = [...languages.keys()].map((tag) => `"${tag}"`).join(', ');
      at(
        '',
        `Usage "${usage}" needs a template without "locale", sent in every language without its own${only ? ` (it has only ${only})` : ''}.`,
      );
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, value, problems: [] };
}

/**
 * A template's language as it will be saved ('' for none), or `undefined` after reporting why
 * `locale` cannot be one (the server's own rule, `templateLocaleProblem`).
 */
function languageOf(locale: unknown, report: (message: string) => void): string | undefined {
  if (locale === undefined) return '';
  if (typeof locale !== 'string') {
    report('The locale must be a language tag in double quotes, such as "pt-BR".');
    return undefined;
  }
  const problem = templateLocaleProblem(locale);
  if (problem !== undefined) {
    report(`${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`);
    return undefined;
  }
  return canonicalLocale(locale);
}

/** The console's words for a problem of the shared template rule. */
function describeProblem(problem: TemplateTextProblem, usage: string, variables: readonly string[]): string {
  switch (problem.kind) {
    case 'notice_variable':
      return `The "${usage}" template is a notice sent without a code and takes no variables; remove {{${problem.name}}}.`;
    case 'unknown_variable':
      return `{{${problem.name}}} is not a variable Passline fills in, so the message could not be sent; use ${variables
        .map((variable) => `{{${variable}}}`)
        .join(' or ')}.`;
    case 'missing_code':
      return `The ${usage ? `"${usage}" ` : ''}template text has no {{code}}: the code would not be in the message.`;
  }
}

/** The template vocabulary a connector type publishes with its details. */
export function vocabularyOf(factory: Pick<Factory, 'templateVariables' | 'noticeUsages'>): TemplateVocabulary {
  return { variables: factory.templateVariables, noticeUsages: factory.noticeUsages };
}
