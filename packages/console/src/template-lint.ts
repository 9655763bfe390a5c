import type { Factory, JsonSchema } from './api.ts';
import { lineOf, parseJsonWithPositions } from './json-positions.ts';

export const requiredUsages = ['Register', 'SignIn', 'ForgotPassword', 'Generic'] as const;

export interface TemplateProblem {
  from: number;
  to: number;
  line: number;
  message: string;
}

export interface TemplateVocabulary {
  /** The variables Passline fills into a code's text, e.g. ['code', 'expiresInMinutes']. */
  variables?: readonly string[] | undefined;
  /** Usages sent without a code (account notices): their texts need no {{code}} and take no variables. */
  noticeUsages?: readonly string[] | undefined;
}

export type TemplateCheck = { ok: true; value: unknown[]; problems: [] } | { ok: false; problems: TemplateProblem[] };

const usagePattern = /^[A-Z][A-Za-z0-9]{1,39}$/;
const codeVariable = /\{\{\s*code\s*\}\}/;
// As the connector kit reads them: {{ name }}.
const variablePattern = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Checks the templates JSON as the admin types: syntax, one object per usage, every required usage,
 * the fields the connector's schema asks for, and `{{code}}` in every text that lives in Passline
 * (connectors whose template items have a `content` field). Each problem carries the place it
 * belongs to, for the editor, and a line number, for the list under it.
 */
export function checkTemplates(
  text: string,
  itemSchema: JsonSchema | undefined,
  /** What the connector type says about its templates; without `variables`, unknown ones are not flagged. */
  vocabulary: TemplateVocabulary = {},
): TemplateCheck {
  const { variables, noticeUsages } = vocabulary;
  // A server that does not say which usages are notices: only the required usages are surely
  // codes; the server checks the others when the connector is saved.
  const carriesCode = (usage: unknown) =>
    noticeUsages
      ? !(typeof usage === 'string' && noticeUsages.includes(usage))
      : (requiredUsages as readonly unknown[]).includes(usage);
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
  const seen = new Map<string, number>();
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
    const usage = record.usageType;
    if (usage !== undefined) {
      if (typeof usage !== 'string' || !usagePattern.test(usage)) {
        at(`${index}.usageType`, 'A usage is a name such as Register, SignIn, ForgotPassword or Generic.');
      } else if (seen.has(usage)) {
        at(
          `${index}.usageType`,
          `Usage "${usage}" already has a template (item ${(seen.get(usage) ?? 0) + 1}); keep one.`,
        );
      } else {
        seen.set(usage, index);
      }
    }
    if (textField && typeof usage === 'string' && noticeUsages?.includes(usage)) {
      const content = record[textField];
      if (content !== undefined && typeof content !== 'string')
        at(`${index}.${textField}`, 'The message text must be in double quotes.');
      else if (typeof content === 'string') {
        for (const name of unknownVariables(content, [])) {
          at(
            `${index}.${textField}`,
            `The "${usage}" template is a notice sent without a code and takes no variables; remove {{${name}}}.`,
          );
        }
      }
    } else if (textField) {
      const content = record[textField];
      if (content !== undefined && typeof content !== 'string')
        at(`${index}.${textField}`, 'The message text must be in double quotes.');
      else if (typeof content === 'string' && carriesCode(usage) && !codeVariable.test(content)) {
        at(
          `${index}.${textField}`,
          `The ${typeof usage === 'string' ? `"${usage}" ` : ''}template text has no {{code}}: the code would not be in the message.`,
        );
      }
      if (typeof content === 'string' && variables) {
        for (const name of unknownVariables(content, variables)) {
          at(
            `${index}.${textField}`,
            `{{${name}}} is not a variable Passline fills in, so the message could not be sent; use ${variables
              .map((variable) => `{{${variable}}}`)
              .join(' or ')}.`,
          );
        }
      }
    }
  });
  for (const usage of requiredUsages) {
    if (!seen.has(usage))
      at(
        '',
        `No template for usage "${usage}": add one (Register, SignIn, ForgotPassword and Generic are all required).`,
      );
  }
  return problems.length ? { ok: false, problems } : { ok: true, value, problems: [] };
}

/** Variables in a template text that Passline does not fill in, each once. */
export function unknownVariables(content: string, variables: readonly string[]): string[] {
  const names = [...content.matchAll(variablePattern)].map((match) => match[1] as string);
  return [...new Set(names.filter((name) => !variables.includes(name)))];
}

/** The template vocabulary a connector type publishes with its details. */
export function vocabularyOf(factory: Pick<Factory, 'templateVariables' | 'noticeUsages'>): TemplateVocabulary {
  return { variables: factory.templateVariables, noticeUsages: factory.noticeUsages };
}
