export { z } from 'zod';
export * from './connector.ts';
export * from './connector-error.ts';
export * from './http.ts';
export * from './phone.ts';
export * from './readme.ts';
export * from './secret.ts';
export * from './templates.ts';
export * from './usage-types.ts';
