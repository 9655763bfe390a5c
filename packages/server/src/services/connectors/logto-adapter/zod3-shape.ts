import { z } from '@passline/connector-kit';

/**
 * Just enough of zod 3's runtime shape to read a Logto connector's `configGuard`: the field names,
 * which are optional, their basic types and the fields of its `templates` items. Logto packages
 * carry their own zod 3, so its classes cannot be checked with `instanceof`; `_def.typeName` is
 * the stable marker zod 3 gives every schema.
 */
interface Zod3Like {
  _def?: {
    typeName?: string;
    schema?: Zod3Like;
    innerType?: Zod3Like;
    in?: Zod3Like;
    type?: Zod3Like;
    values?: unknown;
  };
  shape?: Record<string, Zod3Like>;
  isOptional?: () => boolean;
}

const wrappers = new Set(['ZodOptional', 'ZodNullable', 'ZodDefault', 'ZodBranded', 'ZodReadonly', 'ZodCatch']);

/** Looks through refinements, optional/default wrappers and pipelines to the schema that parses. */
function unwrap(schema: Zod3Like | undefined): Zod3Like | undefined {
  let current = schema;
  for (let depth = 0; depth < 10 && current?._def; depth++) {
    const { typeName } = current._def;
    if (typeName === 'ZodEffects') current = current._def.schema;
    else if (typeName === 'ZodPipeline') current = current._def.in;
    else if (typeName && wrappers.has(typeName)) current = current._def.innerType;
    else return current;
  }
  return current;
}

export interface GuardField {
  optional: boolean;
  /** The field as a zod 4 schema of the same basic type (string, number, boolean, enum), else unknown. */
  passline: z.ZodType;
  typeName: string | undefined;
  /** For an enum, its values (Logto's `TemplateType` when a guard limits `usageType` to it). */
  values?: string[];
}

/** The top-level fields of a zod 3 object guard; empty when the guard is not an object. */
export function guardFields(guard: unknown): Map<string, GuardField> {
  const object = unwrap(guard as Zod3Like);
  const fields = new Map<string, GuardField>();
  if (object?._def?.typeName !== 'ZodObject' || !object.shape) return fields;
  for (const [name, field] of Object.entries(object.shape)) fields.set(name, describeField(field));
  return fields;
}

/** The fields of the items of a guard's `templates` array (`usageType`, `content`, ...), if it has one. */
export function templateItemFields(guard: unknown): Map<string, GuardField> | undefined {
  const object = unwrap(guard as Zod3Like);
  const templates = unwrap(object?.shape?.templates);
  if (templates?._def?.typeName !== 'ZodArray') return undefined;
  return guardFields(templates._def.type);
}

function describeField(field: Zod3Like): GuardField {
  const inner = unwrap(field);
  const typeName = inner?._def?.typeName;
  const optional = typeof field.isOptional === 'function' ? field.isOptional() : false;
  const values = typeName === 'ZodEnum' || typeName === 'ZodNativeEnum' ? enumValues(inner) : undefined;
  return { optional, typeName, passline: passlineType(inner), ...(values ? { values } : {}) };
}

function enumValues(schema: Zod3Like | undefined): string[] {
  return Object.values((schema?._def?.values ?? {}) as Record<string, unknown>).filter(
    (value): value is string => typeof value === 'string',
  );
}

function passlineType(schema: Zod3Like | undefined): z.ZodType {
  const def = schema?._def;
  switch (def?.typeName) {
    case 'ZodString':
      return z.string();
    case 'ZodNumber':
      return z.number();
    case 'ZodBoolean':
      return z.boolean();
    case 'ZodEnum':
    case 'ZodNativeEnum': {
      const values = enumValues(schema);
      return values.length ? z.enum(values as [string, ...string[]]) : z.string();
    }
    default:
      return z.unknown();
  }
}
