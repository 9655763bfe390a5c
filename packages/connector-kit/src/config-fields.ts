import { z } from 'zod';

/** How long a provider connector waits for an answer unless its config says otherwise. */
export const defaultProviderTimeoutMs = 10_000;

/**
 * The optional base URL every provider connector takes, for regional hosts, proxies and the
 * provider simulator. `description` names the default for this provider.
 */
export function endpointField(description: string) {
  return z
    .url({ protocol: /^https?$/, error: 'the endpoint must be an http(s) URL' })
    .optional()
    .describe(description)
    .meta({ title: 'Endpoint' });
}

/** The optional request deadline every provider connector takes. */
export function timeoutField() {
  return z
    .number()
    .int()
    .min(1000)
    .max(60_000)
    .optional()
    .describe(`Request deadline in ms. Default ${defaultProviderTimeoutMs}.`)
    .meta({ title: 'Timeout (ms)' });
}
