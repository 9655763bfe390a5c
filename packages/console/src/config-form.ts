import type { Connector, Factory, JsonSchema } from '@passline/contracts';

export type FieldKind = 'text' | 'secret' | 'number' | 'switch' | 'select' | 'json' | 'templates';

export interface Field {
  name: string;
  label: string;
  kind: FieldKind;
  schema: JsonSchema;
  required: boolean;
  placeholder: string;
  options: string[];
}

export interface FormState {
  values: Record<string, string | boolean>;
  templates: string;
}

/** "accountSID" → "Account SID", "timeoutMs" → "Timeout (ms)". */
export function labelFor(name: string): string {
  const words = name
    .replace(/Ms$/, ' (ms)')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const typeOf = (schema: JsonSchema) => (Array.isArray(schema.type) ? schema.type[0] : schema.type);

/** The form is generated from the factory's JSON Schema: no second, hand-kept list of fields. */
export function fieldsOf(factory: Factory): Field[] {
  const properties = factory.configSchema.properties ?? {};
  const required = new Set(factory.configSchema.required ?? []);
  const template = factory.configTemplate ?? {};
  return Object.entries(properties).map(([name, schema]) => {
    let kind: FieldKind;
    const type = typeOf(schema);
    if (name === 'templates' && type === 'array') kind = 'templates';
    else if (schema.enum) kind = 'select';
    else if (type === 'boolean') kind = 'switch';
    else if (type === 'integer' || type === 'number') kind = 'number';
    else if (type === 'string') kind = schema.writeOnly || factory.secretFields.includes(name) ? 'secret' : 'text';
    else kind = 'json';
    const example = template[name] ?? schema.default;
    return {
      name,
      // The schema's title when the connector gives one ("SecretId"), else a readable field name.
      label: typeof schema.title === 'string' ? schema.title : labelFor(name),
      kind,
      schema,
      required: required.has(name) && schema.default === undefined,
      placeholder:
        kind === 'secret' || example === undefined || example === ''
          ? ''
          : typeof example === 'string'
            ? example
            : JSON.stringify(example),
      options: (schema.enum ?? []).map(String),
    };
  });
}

/**
 * Templates a connector works without (http-sms: the receiver renders the text itself): the schema
 * does not require them and the connector offers no default texts. Left empty, they are left out.
 */
export function templatesOptional(factory: Factory, fields: Field[]): boolean {
  const templates = fields.find((field) => field.kind === 'templates');
  return templates !== undefined && !templates.required && factory.configTemplate?.templates === undefined;
}

/** Initial values: a saved connector's config, or for a new one the factory's template and defaults. */
export function initialState(factory: Factory, fields: Field[], connector?: Connector): FormState {
  const source = connector?.config ?? {};
  const template = factory.configTemplate ?? {};
  const values: Record<string, string | boolean> = {};
  for (const field of fields) {
    const saved = source[field.name];
    if (field.kind === 'templates') continue;
    if (field.kind === 'switch') {
      values[field.name] = Boolean(
        saved ?? (connector ? false : (template[field.name] ?? field.schema.default ?? false)),
      );
    } else if (field.kind === 'select') {
      values[field.name] = String(saved ?? (connector ? '' : (template[field.name] ?? field.schema.default ?? '')));
    } else if (field.kind === 'json') {
      values[field.name] = saved === undefined ? '' : JSON.stringify(saved);
    } else {
      values[field.name] = saved === undefined ? '' : String(saved);
    }
  }
  const templates = source.templates ?? template.templates ?? [];
  return { values, templates: JSON.stringify(templates, null, 2) };
}

export interface BuildResult {
  config: Record<string, unknown>;
  fieldErrors: Record<string, string>;
}

/** The config to send: empty optional fields are left out, numbers are numbers. */
export function buildConfig(fields: Field[], state: FormState, templates: unknown): BuildResult {
  const config: Record<string, unknown> = {};
  const fieldErrors: Record<string, string> = {};
  for (const field of fields) {
    if (field.kind === 'templates') {
      // Optional templates left empty are left out, as the connector's schema expects.
      if (templates !== undefined) config[field.name] = templates;
      continue;
    }
    const raw = state.values[field.name];
    if (field.kind === 'switch') {
      config[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '') {
      if (field.required) fieldErrors[field.name] = `${field.label} is required.`;
      continue;
    }
    if (field.kind === 'number') {
      const number = Number(text);
      if (!Number.isFinite(number) || (typeOf(field.schema) === 'integer' && !Number.isInteger(number))) {
        fieldErrors[field.name] = `${field.label} must be a whole number.`;
      } else if (field.schema.minimum !== undefined && number < field.schema.minimum) {
        fieldErrors[field.name] = `${field.label} must be at least ${field.schema.minimum}.`;
      } else if (field.schema.maximum !== undefined && number > field.schema.maximum) {
        fieldErrors[field.name] = `${field.label} must be at most ${field.schema.maximum}.`;
      } else config[field.name] = number;
    } else if (field.kind === 'json') {
      try {
        config[field.name] = JSON.parse(text);
      } catch {
        fieldErrors[field.name] = `${field.label} is not valid JSON.`;
      }
    } else {
      config[field.name] = text;
    }
  }
  return { config, fieldErrors };
}
