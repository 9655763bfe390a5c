import { z } from 'zod';

type Unwrapped<Field> = Field extends z.core.$ZodDefault<infer Inner> ? Inner : Field;
type PatchShape<Shape extends z.core.$ZodShape> = { [Key in keyof Shape]: z.ZodOptional<Unwrapped<Shape[Key]>> };

/**
 * The body of a PATCH for a settings object: every field optional and none defaulted. zod's own
 * `.partial()` keeps `.default()` inside, so an omitted field would come back as its default and
 * a PATCH that names one field would silently reset the others. Takes classic and mini schemas
 * (the settings schemas come from @passline/contracts, written with zod/mini).
 */
export function patchSchemaOf<Shape extends z.core.$ZodShape>(
  schema: z.core.$ZodObject<Shape>,
): z.ZodObject<PatchShape<Shape>> {
  const shape = Object.fromEntries(
    Object.entries(schema._zod.def.shape).map(([key, field]) => {
      const inner = field instanceof z.core.$ZodDefault ? field._zod.def.innerType : field;
      const optional = z.optional(inner);
      // A description sits on the default (classic `.default().describe()`) or inside it (mini).
      const description = z.globalRegistry.get(field)?.description ?? z.globalRegistry.get(inner)?.description;
      return [key, description ? optional.describe(description) : optional];
    }),
  );
  return z.strictObject(shape) as unknown as z.ZodObject<PatchShape<Shape>>;
}
