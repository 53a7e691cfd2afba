import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRule } from '../../src/shared/alert-rules.js';
import { createDeployment } from '../../src/main/core/workspace/monitoring-store.js';
import { Workspace } from '../../src/main/core/workspace/workspace.js';
import { launchChromium } from '../support/browser.js';
import { serveApp, type ServedApp } from '../support/serve.js';
import { ARTIFACTS, tempHome } from '../support/session.js';

/**
 * Issue 10, follow mode in the Monitor area across a restart of `pdm-studio serve`, in Chromium: a loop started
 * through the API whose historian cannot be reached is still running after serve is killed and started again, and
 * the switch says so (Stop, "resumed when the app started"), with the last error and when it retries. The rounds
 * fail before scoring, so the deployment needs no model: the test is about the switch and the loop's memory.
 */
let home: string;
let ws: string;
let app: ServedApp | null = null;
let browser: Browser | null = null;

const serve = async (): Promise<ServedApp> => {
  // The killed serve's core host closes the workspace when it sees its parent gone: try again until it has.
  for (let attempt = 0; ; attempt++) {
    try {
      app = await serveApp(home, ['--workspace', ws]);
      return app;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
};

beforeAll(async () => {
  home = await tempHome('pdm-e2e-follow-');
  ws = join(home, 'workspace');
  await mkdir(join(home, 'registry'));
  const workspace = await Workspace.open(ws);
  try {
    await workspace.monitoring((db) =>
      createDeployment(
        db,
        {
          name: 'pump P-201',
          model: { name: 'pump-rul', stage: null, pinnedVersion: 1 },
          registry: join(home, 'registry'),
          role: 'champion',
          championId: null,
          assets: ['P-201'],
          mapping: { 'P-201': { Flow: null } },
          rule: parseRule({ direction: 'above', setLevel: 1 }),
          limits: {},
          currentVersion: 1,
          packageHash: 'none',
          pendingVersion: null,
        },
        { actor: 'maria', at: new Date().toISOString() },
      ),
    );
  } finally {
    workspace.close();
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe('the follow switch after serve restarts, in Chromium', () => {
  it('shows the resumed loop running, its last error and the retry; Stop is remembered', async () => {
    const first = await serve();
    // Nothing listens on port 1: every round fails at "update to now".
    await first.call('setFollowSource', {
      id: 'dep-1',
      source: { kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/postgres', query: 'SELECT 1' },
    });
    await first.call('startFollow', { deploymentId: 'dep-1', intervalSeconds: 1 });
    first.process.kill('SIGKILL');
    await new Promise((r) => first.process.once('exit', r));

    const second = await serve();
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(second.url);
    await page.getByTestId('area-monitor').click();
    await page.getByTestId('monitor-view').waitFor();
    const sw = page.getByTestId('follow-switch');
    await expect.poll(() => sw.getAttribute('data-running'), { timeout: 30_000 }).toBe('yes');
    expect(await page.getByTestId('follow-toggle').textContent()).toBe('Stop');
    const status = page.getByTestId('follow-status');
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(
        /^Following \(resumed when the app started\) · historian unreachable \(.*connection refused.*\), retrying in \d+ s \(round \d+, \d+ failed in a row\)$/,
      );
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-follow-resumed.png'), fullPage: true });

    await page.getByTestId('follow-toggle').click();
    await expect.poll(() => sw.getAttribute('data-running'), { timeout: 30_000 }).toBe('no');
    expect(await status.textContent()).toMatch(/^Stopped after \d+ round\(s\).* Last error: historian unreachable/);

    // Stopped by the user: a new start of serve leaves it stopped.
    await second.stop();
    const third = await serve();
    await page.goto(third.url);
    await page.getByTestId('area-monitor').click();
    await page.getByTestId('monitor-view').waitFor();
    await page.getByTestId('follow-status').waitFor();
    expect(await sw.getAttribute('data-running')).toBe('no');
    expect(await page.getByTestId('follow-toggle').textContent()).toBe('Start');
    expect(await page.getByTestId('follow-status').textContent()).toBe('Not following.');
  }, 240_000);
});
