import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { repoRoot, serveApp, type ServedApp } from './serve.js';

/** Screenshots kept as test artifacts. */
export const ARTIFACTS = join(repoRoot, 'test-results');

/** A fresh user-data folder for one end-to-end test file (and the artifacts folder beside the repo). */
export const tempHome = async (prefix: string): Promise<string> => {
  await mkdir(ARTIFACTS, { recursive: true });
  return mkdtemp(join(tmpdir(), prefix));
};

export interface BrowserSession {
  readonly app: ServedApp;
  readonly browser: Browser;
  readonly page: Page;
  /** Close the browser, stop the app and remove `home`. */
  readonly close: () => Promise<void>;
}

/** Browser mode served as a user starts it, with `home` as its user data, and one Chromium page. */
export const openBrowserSession = async (
  home: string,
  options: { readonly serveArgs?: readonly string[]; readonly height?: number } = {},
): Promise<BrowserSession> => {
  const app = await serveApp(home, options.serveArgs ?? []);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: options.height ?? 900 } });
  return {
    app,
    browser,
    page,
    close: async () => {
      await browser.close();
      await app.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
};
