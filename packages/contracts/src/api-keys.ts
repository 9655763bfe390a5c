import * as z from 'zod/mini';

/**
 * admin: the Management API; verify: the Verification API (and the Twilio Verify-compatible API);
 * relay: only the integration endpoints other identity servers call to have a code delivered.
 */
export const apiKeyScopes = ['admin', 'verify', 'relay'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** An API key as listed: never the key itself. */
export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(apiKeyScopes),
  prefix: z.string(),
  /** Verify keys: the Account SID (`AC` + 32 hex) that goes with the key in Twilio-style Basic auth. */
  accountSid: z.nullable(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.nullable(z.string()),
  revokedAt: z.nullable(z.string()),
});
export type ApiKey = z.infer<typeof apiKeySchema>;
export const apiKeysSchema = z.array(apiKeySchema);

/** A new key: the only answer that carries the key. */
export const createdApiKeySchema = z.object({ key: z.string(), apiKey: apiKeySchema });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;
