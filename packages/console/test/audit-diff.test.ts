import { describe, expect, it } from 'vitest';
import { actorLabel, auditChanges } from '../src/pages/audit-diff.ts';

describe('audit log changes, field by field', () => {
  it('an update lists only what differs, nested fields by dotted path', () => {
    expect(
      auditChanges({
        before: { codeLength: 6, countries: ['GB'], nested: { a: 1, b: 'x' }, same: true },
        after: { codeLength: 8, countries: ['GB', 'FR'], nested: { a: 1, b: 'y' }, same: true },
      }),
    ).toEqual([
      { path: 'codeLength', before: '6', after: '8' },
      { path: 'countries', before: 'GB', after: 'GB, FR' },
      { path: 'nested.b', before: 'x', after: 'y' },
    ]);
  });

  it('a create shows every field of after, a delete every field of before; lists of objects by index', () => {
    expect(
      auditChanges({ before: null, after: { name: 'k', templates: [{ usageType: 'SignIn' }], gone: null } }),
    ).toEqual([
      { path: 'name', before: undefined, after: 'k' },
      { path: 'templates.0.usageType', before: undefined, after: 'SignIn' },
      { path: 'gone', before: undefined, after: 'null' },
    ]);
    expect(auditChanges({ before: { active: false, config: {} }, after: null })).toEqual([
      { path: 'active', before: 'false', after: undefined },
      { path: 'config', before: '{}', after: undefined },
    ]);
    expect(auditChanges({ before: null, after: null })).toEqual([]);
  });

  it('names actors the way people read them', () => {
    expect(actorLabel({ type: 'admin', id: 'adm_1', name: 'ada' })).toBe('ada');
    expect(actorLabel({ type: 'api_key', id: 'key_1', name: 'backend' })).toBe('API key backend');
    expect(actorLabel({ type: 'cli', id: null, name: null })).toBe('Command line');
    expect(actorLabel({ type: 'anonymous', id: null, name: null })).toBe('Not signed in');
  });
});
