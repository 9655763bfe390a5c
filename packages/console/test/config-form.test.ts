import type { Factory } from '@passline/contracts';
import { expect, it } from 'vitest';
import { fieldsOf } from '../src/config-form.ts';

it('generates fields from the JSON Schema, labelled with the schema title or a readable name', () => {
  const factory = {
    id: 'example-sms',
    type: 'sms',
    name: 'Example',
    description: 'Example',
    logo: '',
    readme: '# Example',
    secretFields: ['accessKeySecret'],
    configSchema: {
      type: 'object',
      required: ['accessKeyId', 'accessKeySecret'],
      properties: {
        accessKeyId: { type: 'string', title: 'SecretId' },
        accessKeySecret: { type: 'string', writeOnly: true, title: 'SecretKey' },
        timeoutMs: { type: 'integer', default: 10000 },
        signatureVersion: { type: 'string', enum: ['v1', 'acs3'] },
        sandbox: { type: 'boolean' },
      },
    },
  } as unknown as Factory;
  expect(fieldsOf(factory).map((field) => [field.name, field.label, field.kind, field.required])).toEqual([
    ['accessKeyId', 'SecretId', 'text', true],
    ['accessKeySecret', 'SecretKey', 'secret', true],
    ['timeoutMs', 'Timeout (ms)', 'number', false],
    ['signatureVersion', 'Signature Version', 'select', false],
    ['sandbox', 'Sandbox', 'switch', false],
  ]);
});
