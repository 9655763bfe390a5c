import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium (`apt-get install chromium`); override with PASSLINE_TEST_CHROMIUM. */
export const chromiumPath = process.env.PASSLINE_TEST_CHROMIUM || '/usr/bin/chromium';
export const chromiumAvailable = existsSync(chromiumPath);

/** Where browser tests save screenshots for people to look at (ignored by git). */
export const screenshotDir = new URL('../test-output/screenshots/', import.meta.url).pathname;

/**
 * Headless Chromium with the flags this machine needs: no sandbox (root), no GPU, and no
 * background networking (the machine has no internet, and Chromium would otherwise keep trying).
 * Playwright gives every launch a fresh, empty profile.
 */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A browser suite: tagged [chromium], and skipped with the reason when Chromium is not installed. */
export function describeInChromium(title: string, suite: () => void): void {
  describe.skipIf(!chromiumAvailable)(
    chromiumAvailable ? `${title} [chromium]` : `${title} [chromium] (skipped: install Debian's chromium to run it)`,
    suite,
  );
}
