import {
  type Factory,
  type JsonSchema,
  requiredUsageTypes,
  type TemplateTextProblem,
  type TemplateTextRules,
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

export type TemplateCheck = { ok: true; value: unknown[]; problems: [] } | { ok: false; problems: TemplateProblem[] };

/**
 * Checks the templates JSON as the admin types: syntax, one object per usage, every required usage,
 * the fields the connector's schema asks for, and `{{code}}` in every text that lives in Passline
 * (connectors whose template items have a `content` field). Each problem carries the place it
 * belongs to, for the editor, and a line number, for the list under it.
 */
export function checkTemplates(
  text: string,
  itemSchema: JsonSchema | undefined,
  /** What the connector type says about its templates; the shared defaults when it says nothing. */
  vocabulary: TemplateVocabulary = {},
): TemplateCheck {
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
      if (typeof usage !== 'string' || !usageTypePattern.test(usage)) {
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
    if (!seen.has(usage))
      at(
        '',
        `No template for usage "${usage}": add one (Register, SignIn, ForgotPassword and Generic are all required).`,
      );
  }
  return problems.length ? { ok: false, problems } : { ok: true, value, problems: [] };
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
