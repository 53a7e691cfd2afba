import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobState } from '../../src/shared/domain.js';
import type { RunEngine } from '../../src/shared/training-engine.js';
import type { RunDetail, TrainConfigInput } from '../../src/shared/training.js';
import { launchChromiumWithGpu } from '../support/gpu-browser.js';
import { serveApp, type ServedApp } from '../support/serve.js';
import { ARTIFACTS, tempHome } from '../support/session.js';

const config = (name: string, extra: Partial<TrainConfigInput>): TrainConfigInput => ({
  name,
  dataset: {
    assets: { prefix: 'FD001 engine' },
    signals: ['sensor_2', 'sensor_3', 'sensor_4', 'sensor_11'],
    window: { length: 10, stride: 2 },
    label: { kind: 'rul', cap: 125 },
  },
  model: { type: 'dense', units: [8] },
  training: { epochs: 2, batchSize: 128, seed: 3, patience: null },
  ...extra,
});

describe('training in the browser page (renderer engine) end to end, on SwiftShader', () => {
  let home: string;
  let app: ServedApp;
  let browser: Browser;
  let page: Page;

  const finish = async (jobId: string): Promise<JobState> => {
    await expect
      .poll(async () => (await app.call<JobState>('getJob', { jobId })).status, { timeout: 170_000, interval: 500 })
      .not.toBe('running');
    return app.call<JobState>('getJob', { jobId });
  };

  const engineOf = async (runId: string): Promise<{ detail: RunDetail; engine: RunEngine }> => {
    const detail = await app.call<RunDetail>('getRun', { id: runId });
    return { detail, engine: detail.artifact?.['engine'] as RunEngine };
  };

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-gpu-train-');
    app = await serveApp(home);
    browser = await launchChromiumWithGpu();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(app.url);
    await page.getByTestId('open-sample').click();
    await page.getByTestId('workspace-path').waitFor({ timeout: 60_000 });
    // The page has told the core it can train on WebGPU and WebGL (SwiftShader stands in for a GPU here).
    const marker = page.getByTestId('training-engine');
    for (let i = 0; i < 120 && !((await marker.getAttribute('data-backends')) ?? '').includes('webgl'); i += 1) {
      await page.waitForTimeout(250);
    }
    expect(await marker.getAttribute('data-backends')).toContain('webgl');
    expect(await marker.getAttribute('data-backends')).toContain('webgpu');
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('engine "auto" sends the run to the page, which probes, trains and records backend, adapter and why', async () => {
    const { jobId } = await app.call<{ jobId: string }>('startTraining', {
      config: config('auto in page', { engine: 'auto' }),
    });
    const job = await finish(jobId);
    expect(job.error).toBeNull();
    expect(job.status).toBe('done');
    const { detail, engine } = await engineOf(job.training?.run ?? '');
    expect(engine.place).toBe('renderer');
    expect(engine.reason).toMatch(/engine "auto": an open window offers webgpu, webgl on WebGPU: .*swiftshader/i);
    expect(engine.isolated).toBe(true);
    for (const backend of ['webgpu', 'webgl']) {
      const probe = engine.probes.find((p) => p.backend === backend);
      expect(probe?.status, probe?.detail).toBe('passed');
    }
    // The fastest passing backend won, whichever it is on this machine's software GPU, and the run says so.
    const passing = engine.probes.filter((p) => p.status === 'passed' || p.status === 'reference');
    const fastest = passing.reduce((a, b) => ((b.msPerStep ?? Infinity) < (a.msPerStep ?? Infinity) ? b : a));
    expect(engine.backend).toBe(fastest.backend);
    expect(detail.summary.backend).toBe(engine.backend);
    expect(detail.summary.metrics['rmse']).toBeGreaterThan(0);
    expect(detail.history.length).toBe(2);
  });

  it('backend "webgl" trains on the GPU path and the run names the adapter (the user overrides the probe)', async () => {
    const { jobId } = await app.call<{ jobId: string }>('startTraining', {
      config: config('webgl in page', {
        engine: 'renderer',
        backend: 'webgl',
        model: { type: 'lstm', units: 4, dense: [4] },
      }),
    });
    const job = await finish(jobId);
    expect(job.error).toBeNull();
    const { detail, engine } = await engineOf(job.training?.run ?? '');
    expect(detail.summary.backend).toBe('webgl');
    expect(engine).toMatchObject({ place: 'renderer', backend: 'webgl' });
    expect(engine.adapter).toMatch(/^WebGL: .*SwiftShader/);
    expect(engine.reason).toContain('chosen in the config (backend "webgl")');
    // The run detail shows where it trained and why.
    await page.getByTestId('area-models').click();
    await page.getByTestId(`run-open-${detail.summary.id}`).click();
    const shown = page.getByTestId('run-engine');
    await shown.waitFor();
    expect(await shown.textContent()).toContain('webgl');
    expect(await shown.textContent()).toContain('SwiftShader');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-gpu-run-detail.png'), fullPage: true });
  });

  it('backend "webgpu" trains on WebGPU, to the same model as wasm, and the run record names the WebGPU adapter', async () => {
    const trained = async (backend: 'webgpu' | 'wasm') => {
      const { jobId } = await app.call<{ jobId: string }>('startTraining', {
        config: config(`${backend} in page`, { engine: 'renderer', backend }),
      });
      const job = await finish(jobId);
      expect(job.error).toBeNull();
      return engineOf(job.training?.run ?? '');
    };
    const { detail, engine } = await trained('webgpu');
    expect(detail.summary.backend).toBe('webgpu');
    expect(engine).toMatchObject({ place: 'renderer', backend: 'webgpu', isolated: true });
    expect(engine.adapter).toMatch(/^WebGPU: .*swiftshader/i);
    expect(engine.reason).toContain('chosen in the config (backend "webgpu")');
    const webgpu = engine.probes.find((p) => p.backend === 'webgpu');
    expect(webgpu?.status, webgpu?.detail).toBe('passed');
    expect(webgpu?.detail).toContain(`on ${engine.adapter}`);
    expect(detail.history.length).toBe(2);
    // Same seed and data: the scores read back from the GPU give the figures wasm gives (a synchronous WebGPU read
    // once turned RMSE 49 into 79).
    const reference = await trained('wasm');
    const rmse = detail.summary.metrics['rmse'] as number;
    const wasmRmse = reference.detail.summary.metrics['rmse'] as number;
    expect(Math.abs(rmse - wasmRmse) / wasmRmse, `webgpu ${rmse} vs wasm ${wasmRmse}`).toBeLessThan(0.02);
  });

  it('backend "wasm" trains on the threaded build in the isolated page and the run record says with how many threads', async () => {
    const { jobId } = await app.call<{ jobId: string }>('startTraining', {
      config: config('wasm threads in page', { engine: 'renderer', backend: 'wasm' }),
    });
    const job = await finish(jobId);
    expect(job.error).toBeNull();
    const { detail, engine } = await engineOf(job.training?.run ?? '');
    expect(detail.summary.backend).toBe('wasm');
    expect(engine).toMatchObject({ place: 'renderer', backend: 'wasm', adapter: null, isolated: true });
    const threads = Number(/wasm SIMD on, (\d+) threads/.exec(engine.reason)?.[1]);
    expect(threads, engine.reason).toBeGreaterThan(1);
  });

  it('without an engine the run stays in the Node worker and says so; "node" with a GPU backend is refused', async () => {
    const { jobId } = await app.call<{ jobId: string }>('startTraining', { config: config('node', {}) });
    const job = await finish(jobId);
    const { engine } = await engineOf(job.training?.run ?? '');
    expect(engine).toMatchObject({ place: 'node', adapter: null, probes: [] });
    expect(engine.backend).toBe(job.training?.backend);
    await expect(
      app.call('startTraining', { config: config('bad', { engine: 'node', backend: 'webgl' }) }),
    ).rejects.toThrow(/backend "webgl" exists only in the app window's engine/);
  });

  it("Cancel reaches the page's worker: the run ends cancelled", async () => {
    const { jobId } = await app.call<{ jobId: string }>('startTraining', {
      config: config('cancel in page', { engine: 'renderer', training: { epochs: 500, batchSize: 32, seed: 1 } }),
    });
    await expect
      .poll(async () => (await app.call<JobState>('getJob', { jobId })).message, { timeout: 120_000, interval: 250 })
      .toMatch(/epoch/);
    await app.call('cancelJob', { jobId });
    const job = await finish(jobId);
    expect(job.status).toBe('cancelled');
  });
});
