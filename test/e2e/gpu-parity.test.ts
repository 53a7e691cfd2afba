import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeChoice, ProbeInput } from '../../src/main/core/ml/backend-probe.js';
import { seededRandom } from '../../src/main/core/datasets/random.js';
import type { WebEngineEnvironment } from '../../src/ml-web/web-worker-protocol.js';
import { PROBE_TOLERANCE } from '../../src/shared/training-engine.js';
import { encodeTypedJson } from '../../src/shared/typed-json.js';
import { launchChromiumWithGpu, trainWorkerPath } from '../support/gpu-browser.js';
import { serveApp, type ServedApp } from '../support/serve.js';
import { tempHome } from '../support/session.js';
import { rm } from 'node:fs/promises';

const LENGTH = 8;
const FEATURES = 3;
const N = 16;

/** Tiny versions of every trained model type, as the train dialog configures them. */
const MODELS: readonly ProbeInput['model'][] = [
  { type: 'dense', units: [8, 4] },
  { type: 'gru', units: 4, dense: [4] },
  { type: 'lstm', units: 4, dense: [4] },
  { type: 'cnn1d', filters: [4, 4], kernelSize: 3, dense: [4] },
  { type: 'autoencoder', units: [8, 4] },
];

const inputFor = (model: ProbeInput['model']): ProbeInput => {
  const random = seededRandom(11);
  const x = Float32Array.from({ length: N * LENGTH * FEATURES }, () => random() * 2 - 1);
  const autoencoder = model.type === 'autoencoder';
  return {
    model,
    length: LENGTH,
    features: FEATURES,
    outputs: autoencoder ? LENGTH * FEATURES : 1,
    finalActivation: 'linear',
    x,
    y: autoencoder ? x : Float32Array.from({ length: N }, () => random()),
    n: N,
    seed: 7,
    timedSteps: 1,
  };
};

/** Run the built training worker's probe in the page (the app's origin: same CSP, COOP/COEP as the app). */
const probeInPage = (page: Page, worker: string, input: ProbeInput, forced: string | null) =>
  page.evaluate(
    ({ worker, text, forced }) =>
      new Promise<{ choice: ProbeChoice; environment: WebEngineEnvironment }>((resolve, reject) => {
        const w = new Worker(worker, { type: 'module' });
        w.onmessage = (event: MessageEvent<{ type: string; message?: string }>) => {
          if (event.data.type === 'probed') {
            resolve(event.data as unknown as { choice: ProbeChoice; environment: WebEngineEnvironment });
            w.terminate();
          } else if (event.data.type === 'error') {
            reject(new Error(event.data.message));
            w.terminate();
          }
        };
        w.onerror = (event) => reject(new Error(event.message));
        w.postMessage({ type: 'probe', input: text, forced });
      }),
    { worker, text: encodeTypedJson(input), forced },
  );

describe('renderer engine in Chromium (SwiftShader): gradient parity with cpu', () => {
  let home: string;
  let app: ServedApp;
  let browser: Browser;
  let page: Page;
  let worker: string;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-gpu-');
    app = await serveApp(home);
    browser = await launchChromiumWithGpu();
    page = await browser.newPage();
    await page.goto(app.url);
    worker = await trainWorkerPath();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('the page is cross-origin isolated (COOP + COEP on every response of browser mode)', async () => {
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  });

  for (const model of MODELS) {
    it(`${model.type}: WebGPU and WebGL gradients match cpu within ${PROBE_TOLERANCE}; wasm is judged too`, async () => {
      const { choice, environment } = await probeInPage(page, worker, inputFor(model), null);
      expect(environment.adapters.webgl).toMatch(/SwiftShader/);
      expect(environment.isolated).toBe(true);
      // WebGPU is registered (tfjs-backend-webgpu) and Chromium's --enable-unsafe-webgpu gives a SwiftShader adapter.
      expect(environment.adapters.webgpu).toMatch(/^WebGPU: .*swiftshader/i);
      expect(environment.backends[0]).toBe('webgpu');
      for (const backend of ['webgpu', 'webgl'] as const) {
        const probe = choice.probes.find((p) => p.backend === backend);
        expect(probe?.status, probe?.detail).toBe('passed');
        expect(probe?.maxRelativeError).toBeLessThanOrEqual(PROBE_TOLERANCE);
        expect(probe?.msPerStep).toBeGreaterThan(0);
        // The probe's report names the adapter each GPU backend was judged on.
        expect(probe?.detail).toContain(`on ${environment.adapters[backend]}`);
      }
      const wasm = choice.probes.find((p) => p.backend === 'wasm');
      if (model.type === 'cnn1d' && wasm?.status === 'missing-kernel') {
        expect(wasm.detail).toMatch(/lacks the kernel Conv2DBackprop/);
      } else {
        expect(wasm?.status, wasm?.detail).toBe('passed');
      }
      // The choice is the fastest backend that passed, and the reason says so.
      const passing = choice.probes.filter((p) => p.status === 'passed' || p.status === 'reference');
      const fastest = passing.reduce((a, b) => ((b.msPerStep ?? Infinity) < (a.msPerStep ?? Infinity) ? b : a));
      expect(choice.backend).toBe(fastest.backend);
      expect(choice.reason).toContain('fastest backend whose gradients match cpu');
    });
  }

  it('wasm runs the threaded SIMD build with more than one thread in the cross-origin isolated page', async () => {
    const { choice, environment } = await probeInPage(page, worker, inputFor({ type: 'dense', units: [8] }), 'wasm');
    expect(environment.wasm).toMatchObject({ simd: true, threads: true });
    // One per logical core the browser reports, up to tfjs's limit of 8; this machine has 2 (tfjs alone gives 1).
    expect(environment.wasm?.threadsCount).toBeGreaterThan(1);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(environment.wasm?.threadsCount).toBe(Math.min(8, cores));
    const wasm = choice.probes.find((p) => p.backend === 'wasm');
    expect(wasm?.status, wasm?.detail).toBe('passed');
    expect(choice.backend).toBe('wasm');
    // ...under the app's strict CSP: the pthread workers and their script are files of the app, not blob: URLs.
    const csp = await page.evaluate(async () => (await fetch('/')).headers.get('content-security-policy'));
    expect(csp).toContain("worker-src 'self'");
    expect(csp).not.toMatch(/(script|worker)-src[^;]*blob:/);
    expect(csp).not.toContain("'unsafe-eval'");
  });

  it('a backend chosen by the user is used even when slower, and one that cannot run is refused by name', async () => {
    const forced = await probeInPage(page, worker, inputFor({ type: 'lstm', units: 4, dense: [4] }), 'webgl');
    expect(forced.choice.backend).toBe('webgl');
    expect(forced.choice.reason).toContain('chosen in the config (backend "webgl")');
    const gpu = await probeInPage(page, worker, inputFor({ type: 'gru', units: 4, dense: [4] }), 'webgpu');
    expect(gpu.choice.backend).toBe('webgpu');
    expect(gpu.choice.reason).toContain('chosen in the config (backend "webgpu")');
    await expect(probeInPage(page, worker, inputFor({ type: 'dense', units: [4] }), 'tpu')).rejects.toThrow(
      /backend "tpu" is not one this engine can use/,
    );
  });
});
