/**
 * The renderer engine's training path, timed in headless Chromium (npm run bench:train-browser; bench:train runs
 * it after the Node bench). Here WebGPU and WebGL run on SwiftShader, a software GPU on the CPU: the figures show
 * the GPU paths work end to end and what they cost on this machine, not what a real GPU does. WebGPU is timed when
 * the page offers it (Chromium needs --enable-unsafe-webgpu on Linux), else listed as skipped with the reason.
 * Prints one JSON object.
 *
 *   npm run build && npm run bench:train-browser -- --epochs 3
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { JobState } from '../src/shared/domain.js';
import type { RunEngine } from '../src/shared/training-engine.js';
import type { RunDetail, TrainConfigInput } from '../src/shared/training.js';
import { launchChromiumWithGpu } from '../test/support/gpu-browser.js';
import { serveApp } from '../test/support/serve.js';

const { values } = parseArgs({
  options: { epochs: { type: 'string', default: '3' }, model: { type: 'string', default: 'dense' } },
});
const epochs = Number(values.epochs);
const MODELS: Record<string, TrainConfigInput['model']> = {
  dense: { type: 'dense', units: [64, 32] },
  lstm: { type: 'lstm', units: 32, dense: [16] },
  cnn1d: { type: 'cnn1d', filters: [16, 16], kernelSize: 5, dense: [32] },
};
const model = MODELS[values.model ?? 'dense'];
if (model === undefined) throw new Error(`--model ${values.model}: use one of ${Object.keys(MODELS).join(', ')}`);

const config = (name: string, extra: Partial<TrainConfigInput>): TrainConfigInput => ({
  name,
  dataset: {
    assets: { prefix: 'FD001 engine' },
    signals: ['sensor_2', 'sensor_3', 'sensor_4', 'sensor_7', 'sensor_11', 'sensor_12', 'sensor_15', 'sensor_21'],
    window: { length: 30, stride: 1 },
    label: { kind: 'rul', cap: 125 },
  },
  model,
  training: { epochs, batchSize: 256, seed: 42, patience: null },
  ...extra,
});

const home = await mkdtemp(join(tmpdir(), 'pdm-bench-browser-'));
const app = await serveApp(home);
const browser = await launchChromiumWithGpu();
try {
  const page = await browser.newPage();
  await page.goto(app.url);
  await app.call('openSampleWorkspace', {});
  const marker = page.getByTestId('training-engine');
  for (let i = 0; i < 120 && !((await marker.getAttribute('data-backends')) ?? '').includes('webgl'); i += 1) {
    await page.waitForTimeout(250);
  }
  const offered = ((await marker.getAttribute('data-backends')) ?? '').split(',');
  const train = async (name: string, extra: Partial<TrainConfigInput>) => {
    const started = performance.now();
    const { jobId } = await app.call<{ jobId: string }>('startTraining', { config: config(name, extra) });
    let job = await app.call<JobState>('getJob', { jobId });
    while (job.status === 'running') {
      await new Promise((r) => setTimeout(r, 500));
      job = await app.call<JobState>('getJob', { jobId });
    }
    if (job.error !== null || job.training === null || job.training === undefined)
      throw new Error(`${name}: ${job.error ?? job.status}`);
    const detail = await app.call<RunDetail>('getRun', { id: job.training.run });
    const engine = detail.artifact?.['engine'] as RunEngine | undefined;
    return {
      run: name,
      place: engine?.place ?? 'node',
      backend: detail.summary.backend,
      adapter: engine?.adapter ?? null,
      trainS: detail.summary.metrics['train_s'] ?? null,
      jobS: Number(((performance.now() - started) / 1000).toFixed(2)),
      rmse: detail.summary.metrics['rmse'] ?? null,
      probes: (engine?.probes ?? []).map((p) => ({
        backend: p.backend,
        status: p.status,
        maxRelativeError: p.maxRelativeError,
        msPerStep: p.msPerStep === null ? null : Number(p.msPerStep.toFixed(2)),
      })),
      // The renderer's wasm thread count, from the run record's reason ("wasm SIMD on, 2 threads").
      wasmThreads: Number(/wasm SIMD \w+, (\d+) thread/.exec(engine?.reason ?? '')?.[1] ?? NaN) || null,
      reason: engine?.reason ?? null,
    };
  };
  const runs = [
    offered.includes('webgpu')
      ? await train('renderer webgpu', { engine: 'renderer', backend: 'webgpu' })
      : { run: 'renderer webgpu', skipped: 'the page offers no WebGPU adapter', offered },
    await train('renderer webgl', { engine: 'renderer', backend: 'webgl' }),
    await train('renderer probe', { engine: 'renderer' }),
    await train('node worker', {}),
  ];
  const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'train-browser',
      note: 'headless Chromium, WebGPU and WebGL on SwiftShader (software): a correctness figure, not a GPU speed claim',
      model: values.model,
      epochs,
      crossOriginIsolated: isolated,
      runs,
    })}\n`,
  );
} finally {
  await browser.close();
  await app.stop();
  await rm(home, { recursive: true, force: true });
}
