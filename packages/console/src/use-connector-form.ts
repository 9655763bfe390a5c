import type { Connector, Factory } from '@passline/contracts';
import { useMemo, useState } from 'react';
import { ApiError } from './api.ts';
import { buildConfig, type FormState, fieldsOf, initialState, templatesOptional } from './config-form.ts';
import { checkTemplates, vocabularyOf } from './template-lint.ts';

/** Form state for one connector config (new or saved), with client checks and server issues. */
export function useConnectorForm(factory: Factory, connector?: Connector) {
  const fields = useMemo(() => fieldsOf(factory), [factory]);
  const [initial, setInitial] = useState(() => initialState(factory, fields, connector));
  const [state, setState] = useState<FormState>(initial);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [templateIssues, setTemplateIssues] = useState<string[]>([]);
  const itemSchema = factory.configSchema.properties?.templates?.items;
  const templatesCheck = checkTemplates(state.templates, itemSchema, vocabularyOf(factory), {
    optional: templatesOptional(factory, fields),
  });
  const dirty = JSON.stringify(state) !== JSON.stringify(initial);

  /** The config, or a sentence saying what blocks it (also marks the fields). */
  function build(): { config: Record<string, unknown> } | { problem: string } {
    if (!templatesCheck.ok) {
      return { problem: 'Fix the templates first: the problems are listed under the JSON editor.' };
    }
    const built = buildConfig(fields, state, templatesCheck.value);
    setFieldErrors(built.fieldErrors);
    const missing = Object.values(built.fieldErrors);
    if (missing.length) return { problem: missing.join(' ') };
    return { config: built.config };
  }

  /** Puts a `connector.invalid_config` answer's issues beside the fields they belong to. */
  function showServerIssues(error: unknown): void {
    if (!(error instanceof ApiError)) return;
    const byField: Record<string, string> = {};
    const templates: string[] = [];
    for (const issue of error.issues) {
      const [name = '', ...rest] = issue.path.split('.');
      if (name === 'templates') {
        const index = rest[0] !== undefined ? Number(rest[0]) : Number.NaN;
        templates.push(
          `${Number.isNaN(index) ? '' : `Template ${index + 1}${rest.length > 1 ? ` (${rest.slice(1).join('.')})` : ''}: `}${issue.message}`,
        );
      } else if (fields.some((field) => field.name === name)) {
        byField[name] = issue.message;
      }
    }
    setFieldErrors(byField);
    setTemplateIssues(templates);
  }

  function reset(next?: Connector) {
    const fresh = initialState(factory, fields, next ?? connector);
    setInitial(fresh);
    setState(fresh);
    setFieldErrors({});
    setTemplateIssues([]);
  }

  return {
    fields,
    state,
    setState: (next: FormState) => {
      setState(next);
      setTemplateIssues([]);
    },
    fieldErrors,
    templateIssues,
    templatesOk: templatesCheck.ok,
    dirty,
    build,
    showServerIssues,
    reset,
  };
}
