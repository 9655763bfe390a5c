import type { z } from 'zod';

/**
 * Marks a config field as secret: the server encrypts it at rest, never returns it (it answers with
 * `secretMask` instead) and the console shows a password field. The mark travels into the JSON
 * Schema as `writeOnly: true` plus `x-secret: true`.
 */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ writeOnly: true, 'x-secret': true }) as T;
}

export { secretMask } from './vocabulary.ts';

/** Names of the top-level secret fields of an object config schema. */
export function secretFields(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) return [];
  return Object.entries(shape)
    .filter(([, field]) => isSecret(field))
    .map(([name]) => name);
}

function isSecret(field: z.ZodType): boolean {
  const meta = field.meta() as Record<string, unknown> | undefined;
  if (meta?.['x-secret'] === true) return true;
  // An optional or defaulted secret wraps the marked schema.
  const inner = (field as unknown as { unwrap?: () => z.ZodType }).unwrap;
  if (typeof inner === 'function') return isSecret(inner.call(field));
  const def = (field as unknown as { def?: { innerType?: z.ZodType } }).def;
  return def?.innerType ? isSecret(def.innerType) : false;
}
