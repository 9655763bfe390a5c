import { z } from 'zod';

/** One validation problem: a dotted path to the field (`templates.0.content`) and what is wrong. */
export interface Issue {
  path: string;
  message: string;
}

/**
 * zod's issues as `{ path, message }`, with each unknown key reported at its own path
 * (`templates.0.extra`) and, when `schema` is given, the fields that the object does accept.
 * zod reports all unknown keys of an object as one issue at the object's path, which leaves a
 * reader of `Unrecognized key: "x"` guessing where "x" was.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], schema?: z.ZodType): Issue[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code !== 'unrecognized_keys') return [{ path: path.join('.'), message: issue.message }];
    const allowed = schema ? objectKeysAt(schema, issue.path) : undefined;
    const message = allowed?.length ? `unknown field; the fields here are ${allowed.join(', ')}` : 'unknown field';
    return issue.keys.map((key) => ({ path: [...path, key].join('.'), message }));
  });
}

/** `path: message` lines for an error message; a problem with the whole value has no path. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
}

/** The keys of the object schema found by following `path` from `schema`, or undefined. */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = unwrap(current.shape[String(segment)] as z.ZodType | undefined);
    else if (current instanceof z.ZodArray) current = unwrap(current.element as z.ZodType);
    else return undefined;
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : undefined;
}

/** Looks through optional, default, nullable, pipe and effect wrappers to the schema that parses. */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (let depth = 0; depth < 10 && current; depth++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodReadonly
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
  return current;
}
