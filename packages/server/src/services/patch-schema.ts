import { z } from 'zod';

type PatchShape<Shape extends z.ZodRawShape> = {
  [Key in keyof Shape]: Shape[Key] extends z.ZodDefault<infer Inner> ? z.ZodOptional<Inner> : z.ZodOptional<Shape[Key]>;
};

/**
 * The body of a PATCH for a settings object: every field optional and none defaulted. zod's own
 * `.partial()` keeps `.default()` inside, so an omitted field would come back as its default and
 * a PATCH that names one field would silently reset the others.
 */
export function patchSchemaOf<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>): z.ZodObject<PatchShape<Shape>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, value]) => {
      const field = value as z.ZodType;
      const inner = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field;
      const optional = inner.optional();
      return [key, field.description ? optional.describe(field.description) : optional];
    }),
  );
  return z.strictObject(shape) as unknown as z.ZodObject<PatchShape<Shape>>;
}
