import type { AuditEntry } from '@passline/contracts';

/** One line of an entry's change: a field (dotted path), its value before and after. */
export interface AuditChange {
  path: string;
  before: string | undefined;
  after: string | undefined;
}

/** Leaves of a JSON value by dotted path; arrays of plain values stay one value ("GB, FR"). */
function flatten(value: unknown, prefix: string, into: Map<string, string>): Map<string, string> {
  const plainArray = Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object');
  if (value !== null && typeof value === 'object' && !plainArray) {
    const entries = Array.isArray(value)
      ? value.map((item, index) => [String(index), item] as const)
      : Object.entries(value);
    if (entries.length === 0) into.set(prefix, Array.isArray(value) ? '[]' : '{}');
    for (const [key, item] of entries) flatten(item, prefix ? `${prefix}.${key}` : key, into);
    return into;
  }
  into.set(prefix || '(value)', show(value));
  return into;
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? value.map(show).join(', ') : '(none)';
  if (typeof value === 'string') return value === '' ? '""' : value;
  return String(value);
}

/**
 * What an entry changed, field by field: on an update only the fields that differ, on a create
 * every field of `after`, on a delete every field of `before`. Secrets arrive masked.
 */
export function auditChanges(entry: Pick<AuditEntry, 'before' | 'after'>): AuditChange[] {
  const before = entry.before === null ? new Map<string, string>() : flatten(entry.before, '', new Map());
  const after = entry.after === null ? new Map<string, string>() : flatten(entry.after, '', new Map());
  const paths = [...new Set([...before.keys(), ...after.keys()])];
  return paths
    .filter((path) => before.get(path) !== after.get(path))
    .map((path) => ({ path, before: before.get(path), after: after.get(path) }));
}

const actorKinds = { cli: 'Command line', setup: 'First-run setup', anonymous: 'Not signed in' } as const;

/** "ada", "API key backend", "Command line"… */
export function actorLabel(actor: AuditEntry['actor']): string {
  if (actor.type === 'admin') return actor.name ?? actor.id ?? 'admin';
  if (actor.type === 'api_key') return `API key ${actor.name ?? actor.id ?? ''}`.trim();
  return actorKinds[actor.type];
}
