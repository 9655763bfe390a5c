import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ProviderSimulator, startProviderSimulator } from '@passline/provider-simulator';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium, screenshotDir } from '../../../test/browser.ts';
import { startTestPassline, type TestPassline } from '../../server/test/app.ts';
import { testConfig } from '../../server/test/engines.ts';
import { ensureConsoleBuild } from '../scripts/ensure-build.mjs';

export const password = 'a long console password';
export const phone = '+14155552671';

// vitest has no Playwright matchers: these wait the way they would.
export const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });
// The rendered text with line breaks (CodeMirror lines are separate elements, without newlines).
// biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node.
export const textOf = (locator: Locator) => locator.innerText();
export const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 100 });

export interface ConsoleSession {
  simulator: ProviderSimulator;
  passline: TestPassline;
  browser: Browser;
  page: Page;
  base: string;
  setupToken: string;
}

/**
 * The console suites run in parallel workers, and two Vite builds writing dist/ at once can leave
 * it half written: one builds while the other waits, then finds the build fresh.
 */
async function ensureConsoleBuildOnce(): Promise<void> {
  const lock = join(screenshotDir, '..', 'console-build.lock');
  mkdirSync(join(lock, '..'), { recursive: true });
  for (const started = Date.now(); ; ) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than any build is left by a run that was killed mid-build.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 170_000) throw new Error(`the console build lock ${lock} is still held`);
      await sleep(250);
    }
  }
  try {
    ensureConsoleBuild({ quiet: true });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * For a `describeInChromium` block: the real console in Chromium against the real server (SQLite)
 * and the provider simulator, started in beforeAll and closed afterwards.
 */
export function useConsoleSession() {
  let dir: string | undefined;
  let session: Partial<ConsoleSession> = {};
  beforeAll(async () => {
    // The console is served from its build; build it once here if the sources changed.
    await ensureConsoleBuildOnce();
    dir = mkdtempSync(join(tmpdir(), 'passline-console-'));
    session.simulator = await startProviderSimulator();
    const passline = await startTestPassline({
      engine: 'sqlite',
      config: testConfig({ engine: 'sqlite', file: join(dir, 'passline.db') }, dir),
    });
    session.passline = passline;
    await passline.app.listen({ port: 0, host: '127.0.0.1' });
    const address = passline.app.server.address();
    session.base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    session.setupToken = (await passline.adminAuth.issueSetupToken()) as string;
    session.browser = await launchChromium();
    session.page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Fail on the step that is stuck, well before the test's own timeout.
    session.page.setDefaultTimeout(10_000);
  }, 180_000);

  afterAll(async () => {
    await session.browser?.close();
    await session.passline?.close();
    await session.simulator?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    session = {};
  });

  const current = (): ConsoleSession => {
    const { simulator, passline, browser, page, base, setupToken } = session;
    if (!simulator || !passline || !browser || !page || base === undefined || setupToken === undefined) {
      throw new Error('the console session is used outside a test (it starts in beforeAll)');
    }
    return { simulator, passline, browser, page, base, setupToken };
  };
  const page = () => current().page;

  // Full page, except with a dialog open: the backdrop only covers the viewport.
  const shot = (name: string, fullPage = true) =>
    page().screenshot({ path: join(screenshotDir, `console-${name}.png`), fullPage });
  const heading = (name: string | RegExp) => page().getByRole('heading', { level: 1, name });
  const smsConnectors = async () =>
    (
      (await current().passline.request('GET', '/api/connectors')).body as Array<{
        factoryId: string;
        active: boolean;
        id: string;
      }>
    ).filter((connector) => connector.factoryId !== 'dev-sms');

  /** Replaces the whole text of the CodeMirror templates editor, as typing would. */
  async function setTemplates(text: string) {
    const editor = page().getByTestId('templates-editor').locator('.cm-content');
    await editor.click();
    await page().keyboard.press('Control+A');
    await page().keyboard.press('Delete');
    await page().keyboard.insertText(text);
  }
  const nav = () => page().getByRole('navigation', { name: 'Console' });
  const leaveGuard = () => page().getByRole('dialog', { name: 'Leave without saving?' });
  /** Unsaved edits hold a console link, the back button and closing the tab; staying keeps them. */
  async function expectLeavingIsGuarded(path: RegExp, stillThere: () => Promise<void>) {
    await nav().getByRole('link', { name: 'Messages' }).click();
    await visible(leaveGuard());
    await leaveGuard().getByRole('button', { name: 'Cancel' }).click();
    await leaveGuard().waitFor({ state: 'hidden' });
    await stillThere();

    await page().goBack();
    await visible(leaveGuard());
    await leaveGuard().getByRole('button', { name: 'Cancel' }).click();
    expect(new URL(page().url()).pathname).toMatch(path);
    await stillThere();

    // Leaving the console (another address, a reload, closing the tab) gets the browser's own
    // question; staying keeps the page. (Headless Chromium asks on navigation, not on close.)
    const asked = new Promise<string>((resolve) =>
      page().once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.dismiss();
      }),
    );
    const before = page().url();
    await expect(page().goto(`${current().base}/sign-in`)).rejects.toThrow(/ERR_ABORTED/);
    expect(await asked).toBe('beforeunload');
    expect(page().url()).toBe(before);
    await stillThere();
  }

  // The setup page's README has its own "<provider>" heading: wait for the saved connector's page.
  const savedConnectorPage = () => page().waitForURL(/\/console\/connectors\/con_[^/]+$/);
  async function templatesText(): Promise<string> {
    return textOf(page().getByTestId('templates-editor').locator('.cm-content'));
  }

  return {
    current,
    shot,
    heading,
    smsConnectors,
    setTemplates,
    nav,
    leaveGuard,
    expectLeavingIsGuarded,
    savedConnectorPage,
    templatesText,
  };
}
