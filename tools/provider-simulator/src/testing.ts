import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type ProviderSimulator, startProviderSimulator } from './server.ts';

/**
 * For a vitest `describe` block: starts one simulator for the block, resets it before each test and
 * closes it afterwards. The handle forwards to the running simulator, so tests read as if they held
 * it directly (`simulator.url`, `simulator.messages()` ...).
 */
export function useProviderSimulator(): ProviderSimulator {
  let running: ProviderSimulator | undefined;
  beforeAll(async () => {
    running = await startProviderSimulator({ port: 0 });
  });
  afterAll(async () => {
    await running?.close();
  });
  beforeEach(() => running?.reset());
  const current = () => {
    if (!running) throw new Error('the provider simulator is used outside a test (it starts in beforeAll)');
    return running;
  };
  return {
    get url() {
      return current().url;
    },
    get credentials() {
      return current().credentials;
    },
    messages: (filter) => current().messages(filter),
    failNext: (provider, mode, times) => current().failNext(provider, mode, times),
    receiptsNext: (provider, mode, options) => current().receiptsNext(provider, mode, options),
    setReportUrl: (provider, url) => current().setReportUrl(provider, url),
    receipts: (filter) => current().receipts(filter),
    receiptsSettled: () => current().receiptsSettled(),
    reset: () => current().reset(),
    close: () => current().close(),
  };
}
