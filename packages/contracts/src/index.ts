// What Passline's server and its browser code (the console, the hosted sign-in pages) agree on.
// The server declares these schemas as its routes' responses, so the OpenAPI document, the server's
// answers and what the browser checks them against are one definition. Browser-safe: zod/mini
// (small in a page bundle) and no Node imports.
export * from './accounts.ts';
export * from './admin-two-factor.ts';
export * from './api-keys.ts';
export * from './applications.ts';
export * from './audit-log.ts';
export * from './challenge.ts';
export * from './client.ts';
export * from './connectors.ts';
export * from './console-session.ts';
export * from './dashboard.ts';
export * from './errors.ts';
export * from './integrations.ts';
export * from './messages.ts';
export * from './protection.ts';
export * from './routing.ts';
export * from './settings.ts';
export * from './users.ts';
export * from './vocabulary.ts';
