import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultKeyDir, loadOrCreateKey } from '../../../src/main/core/registry/keys.js';
import { signRunRecord } from '../../../src/main/core/registry/run-signature.js';
import type { RunArtifact } from '../../../src/shared/run-artifact.js';
import { expect } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

// Signing keys of the test's people (and of the registry server) go to a folder of this test process, not to the
// machine user's config folder; CLI children inherit it.
process.env.PDM_KEY_DIR ??= join(tmpdir(), `pdm-test-keys-${process.pid}-${randomBytes(4).toString('hex')}`);

export const tempDir = (prefix = 'pdm-reg-'): Promise<string> => mkdtemp(join(tmpdir(), prefix));

/** A run record as issue 4's training writes it (src/shared/run-artifact.ts). */
export const runRecord = (runId: string, overrides: Partial<RunArtifact> = {}): RunArtifact => ({
  formatVersion: 1,
  runId,
  task: 'rul',
  modelType: 'cnn1d',
  createdAt: '2025-01-02T03:04:05.000Z',
  createdBy: 'trainer',
  appVersion: '0.1.0',
  backend: 'cpu',
  seed: 42,
  durationS: 12.5,
  dataset: { id: 'ds-1', contentHash: 'a'.repeat(64), description: 'FD001 train, engines 1-80' },
  config: { epochs: 30, learningRate: 0.001, layers: [32, 16] },
  signals: [
    {
      asset: 'engine',
      tag: 'sensor_2',
      unit: '°R',
      samplePeriod: 1,
      validMin: 600,
      validMax: 700,
      missingPolicy: 'forward-fill',
    },
    {
      asset: 'engine',
      tag: 'sensor_3',
      unit: '°R',
      samplePeriod: 1,
      validMin: null,
      validMax: null,
      missingPolicy: 'reject',
    },
  ],
  features: ['sensor_2', 'sensor_3'],
  window: { length: 2, stride: 1, timeKind: 'cycle' },
  normalisation: { method: 'z-score', center: [642.5, 1590.1], scale: [0.5, 6.1] },
  outputs: [{ name: 'rul', unit: 'cycles', description: 'remaining useful life, capped at 125' }],
  thresholds: { alarmBelow: 30 },
  metrics: { rmse: 15.2, phm08: 410.7 },
  evaluationDataset: { id: 'ds-2', contentHash: 'b'.repeat(64), description: 'FD001 test, last windows' },
  files: ['predictions.csv'],
  ...overrides,
});

/**
 * Writes a real run folder: a TF.js layers model.json (a window of 2 steps x 2 features, flattened, into one
 * Dense layer) whose input shape matches the record's window x features contract and whose weightsManifest
 * matches weights.bin byte for byte. `weightBytes` (a multiple of 4, at least 8) sets the size of weights.bin;
 * at the default 20 bytes the Dense kernel takes exactly the 4 flattened inputs. `inputShape` overrides the
 * declared input (per window, without the batch dimension) to make a model that does not fit its contract.
 */
export const writeRun = async (
  workspace: string,
  runId: string,
  options: { weightBytes?: number; record?: Partial<RunArtifact>; sign?: boolean; inputShape?: readonly number[] } = {},
): Promise<string> => {
  const dir = join(workspace, 'artifacts', 'runs', runId);
  await mkdir(dir, { recursive: true });
  const weightBytes = options.weightBytes ?? 5 * 4;
  const inputs = weightBytes / 4 - 1;
  const model = {
    format: 'layers-model',
    generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'sequential_1',
        layers: [
          {
            class_name: 'Flatten',
            config: {
              name: 'flatten_Flatten1',
              trainable: true,
              batch_input_shape: [null, ...(options.inputShape ?? [2, 2])],
              dtype: 'float32',
            },
          },
          {
            class_name: 'Dense',
            config: {
              units: 1,
              activation: 'linear',
              use_bias: true,
              name: 'dense_Dense1',
              trainable: true,
            },
          },
        ],
      },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'dense_Dense1/kernel', shape: [inputs, 1], dtype: 'float32' },
          { name: 'dense_Dense1/bias', shape: [1], dtype: 'float32' },
        ],
      },
    ],
  };
  await writeFile(join(dir, 'model.json'), JSON.stringify(model));
  await writeFile(
    join(dir, 'weights.bin'),
    weightBytes > 1 << 20
      ? randomBytes(weightBytes)
      : Buffer.from(new Float32Array(inputs + 1).map((_, i) => i / 10).buffer),
  );
  await writeFile(join(dir, 'predictions.csv'), 'unit,rul_true,rul_pred\n1,112,108.5\n2,98,101.2\n');
  const record = runRecord(runId, options.record);
  await writeFile(join(dir, 'run.json'), JSON.stringify(record, null, 2));
  // Signed by its trainer, as the trainer's own tools would (run.sig): the registry takes the trainer from it.
  if (options.sign !== false) await signRunRecord(dir, await loadOrCreateKey(defaultKeyDir(), record.createdBy));
  return dir;
};

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The JSON object on the last stdout line, if any. */
  readonly json: Record<string, unknown> | null;
}

/** Runs the real CLI in a child process (`node --import tsx src/main/cli/main.ts ...`). */
export const cli = (args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      let json: Record<string, unknown> | null = null;
      try {
        json = JSON.parse(last) as Record<string, unknown>;
      } catch {
        json = null;
      }
      resolve({ code, stdout, stderr, json });
    });
  });

/** `registry fetch` through the real CLI must be refused as an integrity failure whose message names `problem`. */
export const expectFetchRefused = async (
  target: { readonly registry: string; readonly name: string; readonly version: number; readonly out: string },
  problem: string | RegExp,
): Promise<void> => {
  const { registry, name, version, out } = target;
  const fetched = await cli([
    'registry',
    'fetch',
    '--registry',
    registry,
    '--name',
    name,
    '--version',
    String(version),
    '--out',
    out,
    '--json',
  ]);
  expect(fetched.code).toBe(1);
  expect(fetched.json).toMatchObject({
    error: {
      code: 'integrity',
      message: typeof problem === 'string' ? expect.stringContaining(problem) : expect.stringMatching(problem),
    },
  });
};
